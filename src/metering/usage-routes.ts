import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { accessOf } from '../access/enforce.ts';
import { authorize } from '../access/permissions/authorize.ts';
import { visibility } from '../access/permissions/visibility.ts';
import { errors } from '../http/errors.ts';
import { documentRoute } from '../http/openapi/route-docs.ts';
import { homeOrgIdOf, type HomeOrgSource } from './home-org.ts';
import type { UsageLedger, UsageScope } from './ledger.ts';
import { formatUsd } from './money.ts';
import type { UnpricedModels } from './unpriced-models.ts';
import type { UsageRecord } from './usage-record.ts';

const time = z.union([
  z.string().regex(/^\d+$/).transform(Number),
  z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
  z.iso.date().transform((s) => Date.parse(`${s}T00:00:00Z`)),
]);

const UsageQuery = z.strictObject({
  key_id: z.string().min(1).max(100).optional(),
  team_id: z.string().min(1).max(100).optional(),
  user_id: z.string().min(1).max(100).optional(),
  model: z.string().min(1).max(200).optional(),
  from: time.optional(),
  to: time.optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
});

documentRoute('GET /api/usage', { summary: 'Ledger rows you may read (your teams, your personal keys; owners and auditors: the organization), newest first, with totals over every matching row.', query: UsageQuery });
documentRoute('GET /api/usage/unpriced', { summary: 'Models used without a price, from the usage you may read.' });
documentRoute('GET /api/usage/:id', { summary: "One request's ledger row (the x-request-id of the response)." });

export interface UsageRouteDeps {
  ledger: UsageLedger;
  unpriced: UnpricedModels;
  directory: HomeOrgSource;
}

/**
 * Usage API: ledger rows with filters and totals, and one request's row. Every answer holds only the
 * rows the caller may read (`usage.read`: owners and auditors the whole organization, admins,
 * members and viewers their teams and their own personal keys); totals are sums over those rows.
 */
export async function usageRoutes(app: FastifyInstance, deps: UsageRouteDeps): Promise<void> {
  const homeOrgId = homeOrgIdOf(deps.directory);
  const scopeOf = async (req: FastifyRequest): Promise<UsageScope> => {
    const { actor } = accessOf(req);
    return { visibility: visibility(actor, 'usage.read'), includeUnplaced: actor.orgId === (await homeOrgId()) };
  };

  app.get('/usage/unpriced', async (req) => ({ object: 'list', data: await deps.unpriced.report(await scopeOf(req)) }));

  app.get('/usage', async (req) => {
    const parsed = UsageQuery.safeParse(req.query);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      if (issue.code === 'unrecognized_keys') {
        throw errors.badRequest('invalid_parameter', `Unrecognized query parameter '${issue.keys[0]!.slice(0, 100)}'.`, issue.keys[0]!.slice(0, 100));
      }
      const param = issue.path.join('.') || 'query';
      throw errors.badRequest('invalid_parameter', `Invalid '${param}': expected ${hint(param)}.`, param);
    }
    const q = parsed.data;
    if (q.from !== undefined && q.to !== undefined && q.from > q.to) {
      throw errors.badRequest('invalid_parameter', "Invalid 'from': must not be after 'to'.", 'from');
    }
    const { rows, totals } = await deps.ledger.query({
      scope: await scopeOf(req),
      keyId: q.key_id,
      teamId: q.team_id,
      userId: q.user_id,
      model: q.model,
      from: q.from,
      to: q.to,
      limit: q.limit,
    });
    const { cost_nanos: costNanos, ...sums } = totals;
    return { object: 'list', data: rows.map(view), totals: { ...sums, cost_usd: formatUsd(costNanos) }, has_more: rows.length === q.limit };
  });

  app.get<{ Params: { id: string } }>('/usage/:id', async (req) => {
    const { actor } = accessOf(req);
    const row = await deps.ledger.get(req.params.id);
    const home = await homeOrgId();
    const orgId = row?.org_id ?? home;
    // A row of another organization is reported exactly like a missing one.
    if (!row || orgId !== actor.orgId) throw errors.notFound('usage_not_found', `No usage record for request '${req.params.id.slice(0, 100)}'.`, 'id');
    authorize(actor, 'usage.read', { orgId, teamId: row.team_id, ownerUserId: row.user_id });
    return view(row);
  });
}

function hint(param: string): string {
  if (param === 'from' || param === 'to') return 'an ISO 8601 time, a date (YYYY-MM-DD) or epoch milliseconds';
  if (param === 'limit') return 'an integer from 1 to 10000';
  return 'a non-empty string';
}

/** A ledger row as the API shows it: money as decimal USD strings, `cost_usd: null` when the model has no price. */
function view(r: UsageRecord) {
  const {
    cost_nanos, cost_input_nanos, cost_cached_nanos, cost_cache_write_nanos, cost_output_nanos, cost_reasoning_nanos,
    cost_audio_nanos, cost_tier_discount_nanos, budget_periods, ...rest
  } = r;
  return {
    ...rest,
    created_at: new Date(r.created_at).toISOString(),
    stream: r.stream === 1,
    estimated: r.estimated === 1,
    cost_usd: cost_nanos === null ? null : formatUsd(cost_nanos),
    cost_breakdown:
      cost_nanos === null
        ? null
        : {
            input_usd: formatUsd(cost_input_nanos),
            cached_input_usd: formatUsd(cost_cached_nanos),
            cache_write_usd: formatUsd(cost_cache_write_nanos),
            output_usd: formatUsd(cost_output_nanos),
            reasoning_usd: formatUsd(cost_reasoning_nanos),
            audio_usd: formatUsd(cost_audio_nanos),
            tier_discount_usd: formatUsd(cost_tier_discount_nanos),
          },
    budget_periods: budget_periods ? budget_periods.split(',') : [],
  };
}
