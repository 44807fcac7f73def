import type { Selectable } from 'kysely';
import type { BudgetTable } from '../../state/index.ts';
import type { Nanos } from '../../money/index.ts';
import type { PeriodKind } from './period.ts';

/** Whose spend a budget limits: one key, one user's personal keys, one team, or a whole organization. */
export type BudgetScope = 'key' | 'user' | 'team' | 'org';

export const BUDGET_SCOPES: readonly BudgetScope[] = ['key', 'user', 'team', 'org'];

/** Soft thresholds, in percent of the limit, when none are given. */
export const DEFAULT_THRESHOLDS: readonly number[] = [50, 80, 100];

/** A spending limit on one key, user, team or organization, per period. */
export interface Budget {
  id: string;
  name: string;
  scope: BudgetScope;
  scopeId: string;
  period: PeriodKind;
  timezone: string;
  limitNanos: Nanos;
  /** Ascending percent integers (1–100) at which an alert fires once per period. */
  thresholds: readonly number[];
  createdAt: number;
  updatedAt: number;
  /** Where the budget belongs, for permissions (see placeBudget); null for budgets made without one. */
  orgId?: string | null | undefined;
  teamId?: string | null | undefined;
  ownerUserId?: string | null | undefined;
  /** The role its creator held where the budget is (`owner`, `admin`); null: unknown (older budgets), read as `owner`. */
  creatorRole?: string | null | undefined;
}

/**
 * Who a request is spent by. Every budget on any of these applies to the request.
 * @example { keyId: 'key_123', userId: 'usr_1', teamId: 'team_1', orgId: 'org_1' } // from the key's principal
 */
export interface BudgetSubject {
  keyId: string;
  userId?: string | null | undefined;
  teamId?: string | null | undefined;
  orgId?: string | null | undefined;
}

export function budgetFromRow(row: Selectable<BudgetTable>): Budget {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    scopeId: row.scope_id,
    period: row.period,
    timezone: row.timezone,
    limitNanos: Number(row.limit_nanos),
    thresholds: JSON.parse(row.thresholds) as number[],
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    orgId: row.org_id,
    teamId: row.team_id,
    ownerUserId: row.owner_user_id,
    creatorRole: row.creator_role,
  };
}

export function budgetToRow(b: Budget): Selectable<BudgetTable> {
  return {
    id: b.id,
    name: b.name,
    scope: b.scope,
    scope_id: b.scopeId,
    period: b.period,
    timezone: b.timezone,
    limit_nanos: b.limitNanos,
    thresholds: JSON.stringify(b.thresholds),
    created_at: b.createdAt,
    updated_at: b.updatedAt,
    org_id: b.orgId ?? null,
    team_id: b.teamId ?? null,
    owner_user_id: b.ownerUserId ?? null,
    creator_role: b.creatorRole ?? null,
  };
}

/** The scope/scope-id pairs a subject spends under, most specific first. */
export function subjectScopes(s: BudgetSubject): [BudgetScope, string][] {
  const out: [BudgetScope, string][] = [['key', s.keyId]];
  if (s.userId) out.push(['user', s.userId]);
  if (s.teamId) out.push(['team', s.teamId]);
  if (s.orgId) out.push(['org', s.orgId]);
  return out;
}
