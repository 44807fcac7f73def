import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../../http/errors.ts';
import type { PriceCatalog } from './price-catalog.ts';
import { invalidRequest, ModelParam, PriceGetQuery, PriceListQuery, PriceOverrideBody } from './price-route-schemas.ts';
import { toPriceSheet } from './price-sheet-schema.ts';
import { priceOverrideView, priceView } from './price-view.ts';

export interface PriceRouteDeps {
  catalog: PriceCatalog;
  now?: () => number;
  /** Who is changing a price, kept as `created_by`. */
  actorOf?: (req: FastifyRequest) => string | null;
}

/**
 * Prices API (mounted under /api behind admin auth): the effective catalog, one model's resolved
 * price, and admin overrides.
 * @example await app.register(async (api) => priceRoutes(api, { catalog }), { prefix: '/api' });
 */
export async function priceRoutes(app: FastifyInstance, deps: PriceRouteDeps): Promise<void> {
  const { catalog } = deps;
  const now = deps.now ?? Date.now;

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
    const model = modelOf(req.params);
    const parsed = PriceOverrideBody.safeParse(req.body ?? {});
    if (!parsed.success) throw invalidRequest(parsed.error, 'body');
    const b = parsed.data;
    const at = now();
    const saved = await catalog.setOverride({
      model,
      effectiveFrom: b.effective_from === undefined ? at : Date.parse(b.effective_from.length === 10 ? `${b.effective_from}T00:00:00Z` : b.effective_from),
      sheet: toPriceSheet(b),
      maxOutputTokens: b.max_output_tokens,
      contextWindow: b.context_window,
      note: b.note ?? null,
      createdAt: at,
      createdBy: deps.actorOf?.(req) ?? null,
    });
    return priceOverrideView(saved);
  });

  app.delete<{ Params: { model: string } }>('/prices/:model', async (req) => {
    const model = modelOf(req.params);
    const deleted = await catalog.deleteOverride(model);
    if (deleted === 0) throw errors.notFound('price_override_not_found', `No price override for model '${model}'.`, 'model');
    return { object: 'price_override.deleted', model, deleted };
  });
}

function modelOf(params: unknown): string {
  const parsed = ModelParam.safeParse(params);
  if (!parsed.success) throw invalidRequest(parsed.error, 'model');
  return parsed.data.model;
}
