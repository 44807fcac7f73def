import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { BudgetAlertTable } from '../../state/index.ts';
import { UsdAmount } from '../money-schema.ts';
import { formatUsd, type Nanos } from '../../money/index.ts';
import { BUDGET_SCOPES, type Budget } from './budget.ts';
import { PERIOD_KINDS, type Period } from './period.ts';

/** A budget with its current period's numbers and forecast. */
export interface BudgetStatus {
  budget: Budget;
  period: Period;
  spent: Nanos;
  reserved: Nanos;
  /** limit − spent − reserved, never below 0. */
  remaining: Nanos;
  /** Spend at period end at the current run rate; null for `total` budgets. */
  projected: Nanos | null;
  /** Requests settled without a known cost in this period. */
  unpricedRequests: number;
}

/**
 * Projected spend at period end: what is spent plus the run rate since the period started (or since
 * the budget was created, if later) times the time left.
 * @example projectSpend(1e9, { start: 0, end: 100 }, 25, 0) === 4e9
 */
export function projectSpend(spent: Nanos, period: Period, at: number, createdAt: number): Nanos | null {
  if (period.start === null || period.end === null) return null;
  const from = Math.max(period.start, createdAt);
  const elapsed = at - from;
  if (elapsed <= 0 || at >= period.end) return spent;
  return Math.round(spent + (spent / elapsed) * (period.end - at));
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A budget as the admin API shows it: its settings, its current period's numbers and its forecast. */
export const BudgetView = z.object({
  id: z.string(),
  object: z.literal('budget'),
  name: z.string(),
  scope: z.enum(BUDGET_SCOPES),
  scope_id: z.string(),
  org_id: z.string().nullable(),
  team_id: z.string().nullable(),
  owner_user_id: z.string().nullable(),
  /** The role its creator acted with (owner, admin): loosening or deleting it needs at least that role there. */
  creator_role: z.string().nullable(),
  period: z.enum(PERIOD_KINDS),
  timezone: z.string(),
  limit_usd: UsdAmount,
  thresholds: z.array(z.number().int().min(1).max(100)),
  /** The current period: `d:2026-11-25`, `w:2026-W48`, `m:2026-11` or `total`. */
  period_id: z.string(),
  /** Null for a `total` budget. */
  period_start: z.iso.datetime().nullable(),
  /** Null for a `total` budget, which never resets. */
  resets_at: z.iso.datetime().nullable(),
  spent_usd: UsdAmount,
  /** Held by requests in flight. */
  reserved_usd: UsdAmount,
  remaining_usd: UsdAmount,
  /** Spend at period end at the current run rate; null for a `total` budget. */
  projected_usd: UsdAmount.nullable(),
  /** Requests in this period whose model had no price (charged nothing). */
  unpriced_requests: z.number().int().min(0),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});
export type BudgetView = z.output<typeof BudgetView>;

export function budgetView(s: BudgetStatus): BudgetView {
  const b = s.budget;
  return {
    id: b.id,
    object: 'budget',
    name: b.name,
    scope: b.scope,
    scope_id: b.scopeId,
    org_id: b.orgId ?? null,
    team_id: b.teamId ?? null,
    owner_user_id: b.ownerUserId ?? null,
    creator_role: b.creatorRole ?? null,
    period: b.period,
    timezone: b.timezone,
    limit_usd: formatUsd(b.limitNanos),
    thresholds: [...b.thresholds],
    period_id: s.period.id,
    period_start: iso(s.period.start),
    resets_at: iso(s.period.end),
    spent_usd: formatUsd(s.spent),
    reserved_usd: formatUsd(s.reserved),
    remaining_usd: formatUsd(s.remaining),
    projected_usd: s.projected === null ? null : formatUsd(s.projected),
    unpriced_requests: s.unpricedRequests,
    created_at: new Date(b.createdAt).toISOString(),
    updated_at: new Date(b.updatedAt).toISOString(),
  };
}

/** An alert of a budget: a soft threshold crossed, or the hard limit refusing a request. */
export const BudgetAlertView = z.object({
  id: z.string(),
  object: z.literal('budget.alert'),
  budget_id: z.string(),
  kind: z.enum(['threshold', 'blocked']),
  period_id: z.string(),
  /** Percent of the limit; 100 for `blocked`. */
  threshold: z.number().int(),
  spent_usd: UsdAmount,
  limit_usd: UsdAmount,
  created_at: z.iso.datetime(),
});
export type BudgetAlertView = z.output<typeof BudgetAlertView>;

export function alertView(r: Selectable<BudgetAlertTable>): BudgetAlertView {
  return {
    id: r.id,
    object: 'budget.alert',
    budget_id: r.budget_id,
    kind: r.kind,
    period_id: r.period_id,
    threshold: Number(r.threshold),
    spent_usd: formatUsd(Number(r.spent_nanos)),
    limit_usd: formatUsd(Number(r.limit_nanos)),
    created_at: new Date(Number(r.created_at)).toISOString(),
  };
}
