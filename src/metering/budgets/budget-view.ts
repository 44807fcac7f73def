import type { Selectable } from 'kysely';
import type { BudgetAlertTable } from '../../state/index.ts';
import { formatUsd, type Nanos } from '../../money/index.ts';
import type { Budget } from './budget.ts';
import type { Period } from './period.ts';

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

/** A budget as the admin API shows it. */
export function budgetView(s: BudgetStatus) {
  const b = s.budget;
  return {
    id: b.id,
    object: 'budget' as const,
    name: b.name,
    scope: b.scope,
    scope_id: b.scopeId,
    org_id: b.orgId ?? null,
    team_id: b.teamId ?? null,
    owner_user_id: b.ownerUserId ?? null,
    /** The role its creator acted with (owner, admin): loosening or deleting it needs at least that role there. */
    creator_role: b.creatorRole ?? null,
    period: b.period,
    timezone: b.timezone,
    limit_usd: formatUsd(b.limitNanos),
    thresholds: b.thresholds,
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

/** An alert as the admin API shows it. */
export function alertView(r: Selectable<BudgetAlertTable>) {
  return {
    id: r.id,
    object: 'budget.alert' as const,
    budget_id: r.budget_id,
    kind: r.kind,
    period_id: r.period_id,
    threshold: r.threshold,
    spent_usd: formatUsd(Number(r.spent_nanos)),
    limit_usd: formatUsd(Number(r.limit_nanos)),
    created_at: new Date(Number(r.created_at)).toISOString(),
  };
}
