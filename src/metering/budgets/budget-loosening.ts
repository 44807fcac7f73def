import type { Actor } from '../../access/index.ts';
import { grantingRole } from '../../access/index.ts';
import { ROLE_TABLE, type Role } from '../../access/index.ts';
import { fail } from '../../errors/index.ts';
import type { UpdateBudgetInput } from './budget-input.ts';
import { budgetTarget } from './budget-placement.ts';
import type { Budget } from './budget.ts';

/**
 * The first field of a change that loosens a budget, as its API parameter, or undefined for a
 * change that only tightens or renames it. Loosening: a higher limit; another period or time zone
 * (either moves where periods start, so more can be spent around the change); dropping an alert
 * threshold. Tightening: a lower limit, extra thresholds, a new name.
 * @example looseningField(budget, { limitNanos: budget.limitNanos + 1 }) // 'limit_usd'
 */
export function looseningField(old: Budget, patch: UpdateBudgetInput): string | undefined {
  if (patch.limitNanos !== undefined && patch.limitNanos > old.limitNanos) return 'limit_usd';
  if (patch.period !== undefined && patch.period !== old.period) return 'period';
  if (patch.timezone !== undefined && patch.timezone !== old.timezone) return 'timezone';
  if (patch.thresholds !== undefined && !old.thresholds.every((t) => patch.thresholds!.includes(t))) return 'thresholds';
  return undefined;
}

/** The role a budget's creator acted with there; budgets from before it was recorded count as an owner's. */
export function creatorRoleOf(budget: Budget): Role {
  const role = budget.creatorRole;
  return role !== null && role !== undefined && Object.hasOwn(ROLE_TABLE, role) ? (role as Role) : 'owner';
}

/**
 * 403 `budget_creator_outranks_you` unless the actor writes budgets there with a role ranked at least
 * as high as the budget's creator did: a limit set by an owner is loosened or deleted only by an owner.
 * `param`: the loosening field, or null for a deletion.
 */
export function assertMayLoosen(actor: Actor, budget: Budget, param: string | null): void {
  const mine = grantingRole(actor, 'budgets.write', budgetTarget(budget));
  const creator = creatorRoleOf(budget);
  if (mine !== undefined && ROLE_TABLE[mine].rank >= ROLE_TABLE[creator].rank) return;
  throw fail('budget_creator_outranks_you', { role: creator, change: param === null ? 'delete it' : `loosen its '${param}'` }, { param });
}
