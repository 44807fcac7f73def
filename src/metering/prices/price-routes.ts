import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { accessOf, changeContextOf } from '../../access/index.ts';
import { authorize } from '../../access/index.ts';
import { fail } from '../../errors/index.ts';
import { defineRoute, type AnyRoute } from '../../http/routes/index.ts';
import { homeOrgIdOf, type HomeOrgSource } from '../home-org.ts';
import type { PriceCatalog } from './price-catalog.ts';
import { ModelParam, PriceGetQuery, PriceListQuery, PriceOverrideBody } from './price-route-schemas.ts';
import { toPriceSheet } from './price-sheet-schema.ts';
import { PriceOverrideView, priceOverrideView, PriceView, priceView } from './price-view.ts';

export interface PriceRouteDeps {
  catalog: PriceCatalog;
  /** Which organization runs the deployment: only its price writers may change prices. */
  directory: HomeOrgSource;
  now?: () => number;
}

const PriceList = z.object({
  object: z.literal('list'),
  /** The date of the bundled price sheet. */
  as_of: z.string(),
  /** Where the bundled prices come from. */
  source: z.string(),
  currency: z.literal('USD'),
  unit: z.literal('per 1M tokens'),
  /** The time the prices apply at. */
  at: z.iso.datetime(),
  data: z.array(PriceView.extend({ aliases: z.array(z.string()) })),
});
const PriceWithOverrides = PriceView.extend({ overrides: z.array(PriceOverrideView) });
const OverridesDeleted = z.object({ object: z.literal('price_override.deleted'), model: z.string(), deleted: z.number().int().min(1) });

/**
 * Prices API: the effective catalog and one model's resolved price (`prices.read`), and price
 * overrides (`prices.write`). Overrides apply to the whole deployment, every organization in it,
 * so only callers of the home organization may set or delete them (its owners, by the matrix);
 * each change writes a change record.
 * @example routes.push(...priceRoutes({ catalog, directory }));
 */
export function priceRoutes(deps: PriceRouteDeps): AnyRoute[] {
  const { catalog } = deps;
  const now = deps.now ?? Date.now;
  const homeOrgId = homeOrgIdOf(deps.directory);
  /** `prices.write` on the home organization: the price catalog is the deployment's, not one organization's. */
  const requireHomeOrg = async (req: FastifyRequest) => {
    const { actor } = accessOf(req);
    const home = await homeOrgId();
    if (home === undefined || actor.orgId !== home) {
      throw fail('permission_denied', {
        what: 'change prices: they apply to the whole deployment, so only the organization that runs it (the home organization) may change them',
      });
    }
    authorize(actor, 'prices.write', { orgId: home });
  };

  return [
    defineRoute({
      method: 'GET',
      path: '/api/prices',
      permission: 'prices.read',
      summary: 'The effective price catalog (USD per 1M tokens as decimal strings).',
      query: PriceListQuery,
      response: PriceList,
      handler: ({ query: q }) => {
        const at = q.at ?? now();
        const prefix = q.model;
        const data = catalog.list(at).filter((p) => prefix === undefined || p.model.startsWith(prefix));
        return {
          object: 'list' as const,
          as_of: catalog.asOf,
          source: catalog.source,
          currency: 'USD' as const,
          unit: 'per 1M tokens' as const,
          at: new Date(at).toISOString(),
          data: data.map((p) => ({ ...priceView(p.price, p.model), aliases: catalog.aliasesOf(p.model) })),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/prices/:model',
      permission: 'prices.read',
      summary: 'The price that applies to a model id, with the overrides stored on it.',
      params: ModelParam,
      query: PriceGetQuery,
      response: PriceWithOverrides,
      handler: ({ params: { model }, query: q }) => {
        const at = q.at ?? now();
        const price = catalog.priceFor(model, at);
        if (!price) throw fail('price_not_found', { model, at: new Date(at).toISOString() });
        return { ...priceView(price, model), overrides: catalog.overridesOf(model).map(priceOverrideView) };
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/api/prices/:model',
      permission: 'prices.write',
      summary: 'Set a price override (the whole deployment: owners of the home organization only).',
      params: ModelParam,
      body: PriceOverrideBody,
      response: PriceOverrideView,
      handler: async ({ params: { model }, body: b, req }) => {
        await requireHomeOrg(req);
        const at = now();
        const override = {
          model,
          effectiveFrom: b.effective_from === undefined ? at : Date.parse(b.effective_from.length === 10 ? `${b.effective_from}T00:00:00Z` : b.effective_from),
          sheet: toPriceSheet(b),
          maxOutputTokens: b.max_output_tokens,
          contextWindow: b.context_window,
          note: b.note ?? null,
          createdAt: at,
          createdBy: accessOf(req).actor.userId,
        };
        return priceOverrideView(await catalog.setOverride(override, changeContextOf(req)));
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/prices/:model',
      permission: 'prices.write',
      summary: 'Delete the price overrides of a model id (owners of the home organization only).',
      params: ModelParam,
      response: OverridesDeleted,
      handler: async ({ params: { model }, req }) => {
        await requireHomeOrg(req);
        const deleted = await catalog.deleteOverride(model, changeContextOf(req));
        if (deleted === 0) throw fail('price_override_not_found', { model });
        return { object: 'price_override.deleted' as const, model, deleted };
      },
    }),
  ];
}
