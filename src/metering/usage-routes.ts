import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { accessOf } from '../access/index.ts';
import { authorize } from '../access/index.ts';
import { visibility } from '../access/index.ts';
import { fail } from '../errors/index.ts';
import { defineRoute, type AnyRoute } from '../http/index.ts';
import { homeOrgIdOf, type HomeOrgSource } from './home-org.ts';
import type { UsageLedger, UsageScope } from './ledger.ts';
import { formatUsd } from '../money/index.ts';
import { UsdAmount } from './money-schema.ts';
import type { UnpricedModels } from './unpriced-models.ts';
import type { UsageRecord } from './usage-record.ts';

const time = z.union(
  [
    z.string().regex(/^\d+$/).transform(Number),
    z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
    z.iso.date().transform((s) => Date.parse(`${s}T00:00:00Z`)),
  ],
  { error: 'expected an ISO 8601 time, a date (YYYY-MM-DD) or epoch milliseconds' },
);

const UsageQuery = z.strictObject({
  key_id: z.string().min(1).max(100).optional(),
  team_id: z.string().min(1).max(100).optional(),
  user_id: z.string().min(1).max(100).optional(),
  model: z.string().min(1).max(200).optional(),
  from: time.optional(),
  to: time.optional(),
  limit: z.coerce.number({ error: 'expected an integer from 1 to 10000' }).int().min(1).max(10_000).default(100),
});

export interface UsageRouteDeps {
  ledger: UsageLedger;
  unpriced: UnpricedModels;
  directory: HomeOrgSource;
}

const Money = UsdAmount;
const UsageRow = z.object({
  request_id: z.string(),
  created_at: z.string(),
  key_id: z.string().nullable(),
  org_id: z.string().nullable(),
  team_id: z.string().nullable(),
  user_id: z.string().nullable(),
  endpoint: z.string(),
  model_requested: z.string().nullable(),
  model_served: z.string().nullable(),
  status: z.number().int(),
  stream: z.boolean(),
  prompt_tokens: z.number().int(),
  cached_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  reasoning_tokens: z.number().int(),
  audio_in_tokens: z.number().int(),
  audio_out_tokens: z.number().int(),
  latency_ms: z.number().int().nullable(),
  upstream_request_id: z.string().nullable(),
  error_code: z.string().nullable(),
  service_tier: z.string().nullable(),
  estimated: z.boolean(),
  cost_usd: Money.nullable(),
  cost_breakdown: z
    .object({
      input_usd: Money,
      cached_input_usd: Money,
      cache_write_usd: Money,
      output_usd: Money,
      reasoning_usd: Money,
      audio_usd: Money,
      tier_discount_usd: Money,
    })
    .nullable(),
  budget_periods: z.array(z.string()),
  /** What the response cache did: `hit` (cost 0), `miss`, `bypass`; null when it was not consulted. */
  cache_status: z.enum(['hit', 'miss', 'bypass']).nullable(),
  /** A hit's saving: what the answer cost when the upstream gave it. */
  cache_saved_usd: Money,
  /** Upstream attempts (retries and fallbacks included); 0: none was made. */
  attempts: z.number().int(),
  /** The deployments tried, in order (empty without deployments). */
  deployments_tried: z.array(z.string()),
});
const UsageList = z.object({
  object: z.literal('list'),
  data: z.array(UsageRow),
  totals: z.object({
    requests: z.number().int(),
    prompt_tokens: z.number().int(),
    cached_tokens: z.number().int(),
    completion_tokens: z.number().int(),
    reasoning_tokens: z.number().int(),
    unpriced_requests: z.number().int(),
    cost_usd: Money,
  }),
  has_more: z.boolean(),
});
const UnpricedReport = z.object({
  object: z.literal('list'),
  data: z.array(
    z.object({ model: z.string(), requests: z.number().int(), prompt_tokens: z.number().int(), completion_tokens: z.number().int(), first_day: z.string(), last_day: z.string() }),
  ),
});
const RequestId = z.strictObject({ id: z.string().min(1).max(200) });

/**
 * Usage API: ledger rows with filters and totals, and one request's row. Every answer holds only the
 * rows the caller may read (`usage.read`: owners and auditors the whole organization, admins,
 * members and viewers their teams and their own personal keys); totals are sums over those rows.
 */
export function usageRoutes(deps: UsageRouteDeps): AnyRoute[] {
  const homeOrgId = homeOrgIdOf(deps.directory);
  const scopeOf = async (req: FastifyRequest): Promise<UsageScope> => {
    const { actor } = accessOf(req);
    return { visibility: visibility(actor, 'usage.read'), includeUnplaced: actor.orgId === (await homeOrgId()) };
  };

  return [
    defineRoute({
      method: 'GET',
      path: '/api/usage/unpriced',
      permission: 'usage.read',
      summary: 'Models used without a price, from the usage you may read.',
      response: UnpricedReport,
      handler: async ({ req }) => ({ object: 'list' as const, data: await deps.unpriced.report(await scopeOf(req)) }),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/usage',
      permission: 'usage.read',
      summary: 'Ledger rows you may read (your teams, your personal keys; owners and auditors: the organization), newest first, with totals over every matching row.',
      query: UsageQuery,
      response: UsageList,
      handler: async ({ query: q, req }) => {
        if (q.from !== undefined && q.to !== undefined && q.from > q.to) throw fail('invalid_parameter', { param: 'from', reason: "must not be after 'to'" });
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
        return { object: 'list' as const, data: rows.map(view), totals: { ...sums, cost_usd: formatUsd(costNanos) }, has_more: rows.length === q.limit };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/usage/:id',
      permission: 'usage.read',
      summary: "One request's ledger row (the x-request-id of the response).",
      params: RequestId,
      response: UsageRow,
      handler: async ({ params, req }) => {
        const { actor } = accessOf(req);
        const row = await deps.ledger.get(params.id);
        const home = await homeOrgId();
        const orgId = row?.org_id ?? home;
        // A row of another organization is reported exactly like a missing one.
        if (!row || orgId !== actor.orgId) throw fail('usage_not_found', { id: params.id.slice(0, 100) });
        authorize(actor, 'usage.read', { orgId, teamId: row.team_id, ownerUserId: row.user_id });
        return view(row);
      },
    }),
  ];
}

/** A ledger row as the API shows it: money as decimal USD strings, `cost_usd: null` when the model has no price. */
function view(r: UsageRecord) {
  const {
    cost_nanos, cost_input_nanos, cost_cached_nanos, cost_cache_write_nanos, cost_output_nanos, cost_reasoning_nanos,
    cost_audio_nanos, cost_tier_discount_nanos, budget_periods, cache_status, cache_saved_nanos, deployments_tried, ...rest
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
    cache_status: (cache_status ?? null) as 'hit' | 'miss' | 'bypass' | null,
    cache_saved_usd: formatUsd(cache_saved_nanos ?? 0),
    deployments_tried: deployments_tried ? deployments_tried.split(',') : [],
  };
}
