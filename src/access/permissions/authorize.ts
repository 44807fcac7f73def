import { fail } from '../../errors/index.ts';
import { isAction, type Action } from './actions.ts';
import { roleSources, type Actor, type Target } from './actor.ts';
import { grantReaches } from './grant-reach.ts';
import { PERMISSION_MATRIX } from './matrix.ts';
import type { PermissionMatrix } from './matrix-schema.ts';
import { ROLE_TABLE, type Role } from './roles.ts';

/**
 * Whether the actor may do `action` to `target`: some role the actor holds grants it, and the grant
 * reaches the target. False for a target in another organization and for an unknown action.
 * @example isAllowed(ana, 'budgets.write', { orgId: 'org_1', teamId: 'team_a' }); // true for an admin of team_a
 */
export function isAllowed(actor: Actor, action: Action, target: Target, matrix: PermissionMatrix = PERMISSION_MATRIX): boolean {
  if (target.orgId !== actor.orgId || !isAction(action)) return false;
  const row = matrix[action];
  return roleSources(actor).some((source) => grantReaches(row[source.role], source, actor, target));
}

/**
 * The highest-ranked role through which the actor may do `action` to `target` (the level at which
 * they act there), or undefined when no role of theirs allows it.
 * @example grantingRole(owner, 'budgets.write', { orgId: 'org_1', teamId: 'team_a' }); // 'owner'
 */
export function grantingRole(actor: Actor, action: Action, target: Target, matrix: PermissionMatrix = PERMISSION_MATRIX): Role | undefined {
  if (target.orgId !== actor.orgId || !isAction(action)) return undefined;
  const row = matrix[action];
  let best: Role | undefined;
  for (const source of roleSources(actor)) {
    if (!grantReaches(row[source.role], source, actor, target)) continue;
    if (best === undefined || ROLE_TABLE[source.role].rank > ROLE_TABLE[best].rank) best = source.role;
  }
  return best;
}

/**
 * The one server-side check. Returns when allowed; otherwise throws a TollgateError:
 * 404 `not_found` when the target is in another organization (so ids cannot be probed across
 * organizations), else 403 `permission_denied` (type `permission_error`) naming the action.
 * @example authorize(actor, 'keys.revoke', { orgId: key.orgId, teamId: key.teamId, ownerUserId: key.userId });
 */
export function authorize(actor: Actor, action: Action, target: Target, matrix: PermissionMatrix = PERMISSION_MATRIX): void {
  if (target.orgId !== actor.orgId) throw fail('not_found');
  if (!isAllowed(actor, action, target, matrix)) throw fail('permission_denied', { what: `perform '${action}' on this resource` });
}
