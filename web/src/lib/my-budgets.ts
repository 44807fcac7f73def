import type { Budget, Me } from '../api/types.ts';
import { parseUsd } from './money.ts';

/**
 * The budgets that limit what the person spends in the workspace: their own user budget, the budgets
 * of their teams and of their organization (key budgets limit keys, not the workspace).
 */
export function budgetsThatApply(budgets: Budget[], me: Me): Budget[] {
  const teams = new Set(me.memberships.map((m) => m.team_id));
  return budgets.filter(
    (b) =>
      (b.scope === 'user' && b.scope_id === me.user?.id) ||
      (b.scope === 'team' && teams.has(b.scope_id)) ||
      (b.scope === 'org' && b.scope_id === me.org.id),
  );
}

/** The budget with the least money left (the one that would stop the person first). */
export function tightestBudget(budgets: Budget[]): Budget | null {
  let best: Budget | null = null;
  for (const b of budgets) {
    if (!best || (parseUsd(b.remaining_usd) ?? 0n) < (parseUsd(best.remaining_usd) ?? 0n)) best = b;
  }
  return best;
}

export const PERIOD_WORDS: Record<string, string> = { daily: 'today', weekly: 'this week', monthly: 'this month', total: 'in total' };
