import type { FastifyInstance, FastifyRequest } from 'fastify';
import { accessOf, changeContextOf } from '../../access/index.ts';
import { authorize } from '../../access/index.ts';
import { errors } from '../../http/index.ts';
import { documentRoute } from '../../http/index.ts';
import { homeOrgIdOf, type HomeOrgSource } from '../home-org.ts';
import type { PriceCatalog } from './price-catalog.ts';
import { invalidRequest, ModelParam, PriceGetQuery, PriceListQuery, PriceOverrideBody } from './price-route-schemas.ts';
import { toPriceSheet } from './price-sheet-schema.ts';
import { priceOverrideView, priceView } from './price-view.ts';

documentRoute('GET /api/prices', { summary: 'The effective price catalog (USD per 1M tokens as decimal strings).', query: PriceListQuery });
documentRoute('GET /api/prices/:model', { summary: "The price that applies to a model id, with the overrides stored on it.", query: PriceGetQuery });
documentRoute('PUT /api/prices/:model', { summary: 'Set a price override (the whole deployment: owners of the home organization only).', body: PriceOverrideBody });
documentRoute('DELETE /api/prices/:model', { summary: 'Delete the price overrides of a model id (owners of the home organization only).' });

export interface PriceRouteDeps {
  catalog: PriceCatalog;
  /** Which organization runs the deployment: only its price writers may change prices. */
  directory: HomeOrgSource;
  now?: () => number;
}

/**
 * Prices API under /api: the effective catalog and one model's resolved price (`prices.read`), and
 * price overrides (`prices.write`). Overrides apply to the whole deployment, every organization in
 * it, so only callers of the home organization may set or delete them (its owners, by the matrix);
 * each change writes a change record.
 * @example await app.register(async (api) => priceRoutes(api, { catalog, directory }), { prefix: '/api' });
 */
export async function priceRoutes(app: FastifyInstance, deps: PriceRouteDeps): Promise<void> {
  const { catalog } = deps;
  const now = deps.now ?? Date.now;
  const homeOrgId = homeOrgIdOf(deps.directory);
  /** `prices.write` on the home organization: the price catalog is the deployment's, not one organization's. */
  const requireHomeOrg = async (req: FastifyRequest) => {
    const { actor } = accessOf(req);
    const home = await homeOrgId();
    if (home === undefined || actor.orgId !== home) {
      throw errors.forbidden(
        'permission_denied',
        'Prices apply to the whole deployment, so only the organization that runs it (the home organization) may change them.',
      );
    }
    authorize(actor, 'prices.write', { orgId: home });
  };

  app.get('/prices', async (req) => {
    const q = PriceListQuery.safeParse(req.query ?? {});
    if (!q.success) throw invalidRequest(q.error, 'query');
    const at = q.data.at ?? now();
    const prefix = q.data.model;
    const data = catalog.list(at).filter((p) => prefix === undefined || p.model.startsWith(prefix));
    return {
      object: 'list',
      as_of: catalog.asOf,
      source: catalog.source,
      currency: 'USD',
      unit: 'per 1M tokens',
      at: new Date(at).toISOString(),
      data: data.map((p) => ({ ...priceView(p.price, p.model), aliases: catalog.aliasesOf(p.model) })),
    };
  });

  app.get<{ Params: { model: string } }>('/prices/:model', async (req) => {
    const model = modelOf(req.params);
    const q = PriceGetQuery.safeParse(req.query ?? {});
    if (!q.success) throw invalidRequest(q.error, 'query');
    const at = q.data.at ?? now();
    const price = catalog.priceFor(model, at);
    if (!price) {
      throw errors.notFound('price_not_found', `No price for model '${model}' at ${new Date(at).toISOString()}.`, 'model');
    }
    return { ...priceView(price, model), overrides: catalog.overridesOf(model).map(priceOverrideView) };
  });

  app.put<{ Params: { model: string } }>('/prices/:model', async (req) => {
    await requireHomeOrg(req);
    const model = modelOf(req.params);
    const parsed = PriceOverrideBody.safeParse(req.body ?? {});
    if (!parsed.success) throw invalidRequest(parsed.error, 'body');
    const b = parsed.data;
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
  });

  app.delete<{ Params: { model: string } }>('/prices/:model', async (req) => {
    await requireHomeOrg(req);
    const model = modelOf(req.params);
    const deleted = await catalog.deleteOverride(model, changeContextOf(req));
    if (deleted === 0) throw errors.notFound('price_override_not_found', `No price override for model '${model}'.`, 'model');
    return { object: 'price_override.deleted', model, deleted };
  });
}

function modelOf(params: unknown): string {
  const parsed = ModelParam.safeParse(params);
  if (!parsed.success) throw invalidRequest(parsed.error, 'model');
  return parsed.data.model;
}
