import type { Actor, Target } from '../../access/index.ts';
import { fail } from '../../errors/index.ts';
import type { Budget, BudgetScope } from './budget.ts';

/** Where a budget belongs, for permissions: its organization, team and (user budgets) user. */
export interface BudgetPlacement {
  orgId: string;
  teamId: string | null;
  ownerUserId: string | null;
}

/** What placing a budget needs to know about its subject, seen from the actor's organization. */
export interface PlacementLookups {
  /** The key's placement; undefined for an unknown id. */
  key(id: string): Promise<{ org_id: string | null; team_id: string | null; user_id: string | null } | undefined>;
  /** A user of the actor's organization; else throws 404 `user_not_found` naming `scope_id` (access's loadUser). */
  user(actor: Actor, id: string): Promise<{ org_id: string }>;
  /** A team of the actor's organization; else throws 404 `team_not_found` naming `scope_id` (access's loadTeam). */
  team(actor: Actor, id: string): Promise<{ org_id: string }>;
}

/**
 * Where a new budget on `scope`/`scopeId` belongs, seen from the actor's organization:
 * - `key`: the key's organization, team and user (a personal key's user owns it);
 * - `user`: the user's organization, owned by the user, in no team (it limits the user everywhere);
 * - `team`: the team's organization and the team;
 * - `org`: the actor's own organization (`scope_id` must be its id).
 * A subject that does not exist, or exists in another organization, is a 404 naming `scope_id`
 * (`key_not_found`, `user_not_found`, `team_not_found`, `org_not_found`).
 * @example await placeBudget(actor, 'team', 'team_a', lookups); // { orgId: 'org_1', teamId: 'team_a', ownerUserId: null }
 */
export async function placeBudget(actor: Actor, scope: BudgetScope, scopeId: string, lookups: PlacementLookups): Promise<BudgetPlacement> {
  const id = scopeId.slice(0, 200);
  switch (scope) {
    case 'key': {
      const key = await lookups.key(scopeId);
      if (!key || key.org_id !== actor.orgId) throw fail('key_not_found', { id }, { param: 'scope_id' });
      return { orgId: key.org_id, teamId: key.team_id, ownerUserId: key.user_id };
    }
    case 'user': {
      const user = await lookups.user(actor, scopeId);
      return { orgId: user.org_id, teamId: null, ownerUserId: scopeId };
    }
    case 'team': {
      const team = await lookups.team(actor, scopeId);
      return { orgId: team.org_id, teamId: scopeId, ownerUserId: null };
    }
    case 'org':
      if (scopeId !== actor.orgId) throw fail('org_not_found', { id }, { param: 'scope_id' });
      return { orgId: actor.orgId, teamId: null, ownerUserId: null };
  }
}

/** A budget as a permission target; a budget without an organization is nobody's (never reachable). */
export function budgetTarget(b: Budget): Target {
  return { orgId: b.orgId ?? '', teamId: b.teamId ?? null, ownerUserId: b.ownerUserId ?? null };
}
