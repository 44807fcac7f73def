import type { Actor, Target } from '../../access/index.ts';
import { errors } from '../../http/index.ts';
import type { Budget, BudgetScope } from './budget.ts';

/** Where a budget belongs, for permissions: its organization, team and (user budgets) user. */
export interface BudgetPlacement {
  orgId: string;
  teamId: string | null;
  ownerUserId: string | null;
}

/** What placing a budget needs to know about its subject; each returns undefined for an unknown id. */
export interface PlacementLookups {
  key(id: string): Promise<{ org_id: string | null; team_id: string | null; user_id: string | null } | undefined>;
  user(id: string): Promise<{ org_id: string } | undefined>;
  team(id: string): Promise<{ org_id: string } | undefined>;
}

/**
 * Where a new budget on `scope`/`scopeId` belongs, seen from the actor's organization:
 * - `key`: the key's organization, team and user (a personal key's user owns it);
 * - `user`: the user's organization, owned by the user, in no team (it limits the user everywhere);
 * - `team`: the team's organization and the team;
 * - `org`: the actor's own organization (`scope_id` must be its id).
 * A subject that does not exist, or exists in another organization, is a 404 naming `scope_id`.
 * @example await placeBudget(actor, 'team', 'team_a', lookups); // { orgId: 'org_1', teamId: 'team_a', ownerUserId: null }
 */
export async function placeBudget(actor: Actor, scope: BudgetScope, scopeId: string, lookups: PlacementLookups): Promise<BudgetPlacement> {
  const missing = () => errors.notFound(`${scope}_not_found`, `Invalid 'scope_id': no ${scope} with id '${scopeId.slice(0, 100)}'.`, 'scope_id');
  switch (scope) {
    case 'key': {
      const key = await lookups.key(scopeId);
      if (!key || key.org_id !== actor.orgId) throw missing();
      return { orgId: key.org_id, teamId: key.team_id, ownerUserId: key.user_id };
    }
    case 'user': {
      const user = await lookups.user(scopeId);
      if (!user || user.org_id !== actor.orgId) throw missing();
      return { orgId: user.org_id, teamId: null, ownerUserId: scopeId };
    }
    case 'team': {
      const team = await lookups.team(scopeId);
      if (!team || team.org_id !== actor.orgId) throw missing();
      return { orgId: team.org_id, teamId: scopeId, ownerUserId: null };
    }
    case 'org':
      if (scopeId !== actor.orgId) throw missing();
      return { orgId: actor.orgId, teamId: null, ownerUserId: null };
  }
}

/** A budget as a permission target; a budget without an organization is nobody's (never reachable). */
export function budgetTarget(b: Budget): Target {
  return { orgId: b.orgId ?? '', teamId: b.teamId ?? null, ownerUserId: b.ownerUserId ?? null };
}
