import { fail } from '../../errors/index.ts';
import { roleSources, type Actor } from '../permissions/actor.ts';
import { ASSIGNABLE_ROLES } from '../permissions/assignable-roles.ts';
import { PERMISSION_MATRIX } from '../permissions/matrix.ts';
import { canAssignRole } from '../permissions/role-assignment.ts';
import type { Role } from '../permissions/roles.ts';
import type { TeamRow, UserRow } from './directory.ts';

/**
 * A user with an org-wide role (an owner, an auditor) is out of reach of anyone who could not
 * grant that role: a team admin cannot change an owner's memberships nor invite them. 403 otherwise.
 * @example assertMayTouch(actor, team, user); assertCanAssignRole(actor, team, current, next);
 */
export function assertMayTouch(actor: Actor, team: TeamRow, user: UserRow): void {
  if (user.org_role === null) return;
  if (!canAssignRole(actor, { orgId: team.org_id, teamId: team.id }, user.org_role, user.org_role)) {
    throw fail('permission_denied', { what: `change the memberships of an organization ${user.org_role}` });
  }
}

/**
 * The escalation rules for org-wide roles: some role the actor holds must manage users and may
 * grant both the old and the new role, so only owners make or unmake owners and auditors.
 * 403 `permission_denied` with param `org_role` otherwise.
 */
export function assertCanSetOrgRole(actor: Actor, from: Role | null, to: Role | null): void {
  const allowed = roleSources(actor).some((s) => {
    if (PERMISSION_MATRIX['users.manage'][s.role] !== 'org') return false;
    const assignable = ASSIGNABLE_ROLES[s.role];
    return (from === null || assignable.includes(from)) && (to === null || assignable.includes(to));
  });
  if (!allowed) {
    throw fail('permission_denied', { what: `change an org role from '${from ?? 'none'}' to '${to ?? 'none'}'` }, { param: 'org_role' });
  }
}
