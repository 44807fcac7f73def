import { fail } from '../../errors/index.ts';
import { roleSources, type Actor } from './actor.ts';
import { ASSIGNABLE_ROLES } from './assignable-roles.ts';
import { grantReaches } from './grant-reach.ts';
import { PERMISSION_MATRIX } from './matrix.ts';
import { ROLE_TABLE, type Role } from './roles.ts';

/** The team whose membership changes. */
export interface TeamRef {
  orgId: string;
  teamId: string;
}

/**
 * The escalation rules: may `actor` change someone's role in `team` from `fromRole` (null: adding a
 * new member) to `toRole` (null: removing them)? Yes only if one role the actor holds there (in that
 * team, or as the org role) may write members of that team AND may grant both the old and the new
 * role. So nobody raises anyone, themselves included, above their own role; only owners grant owner
 * or auditor; admins manage only their own team; members, viewers and auditors change no roles.
 * @example canAssignRole(teamAdmin, { orgId: 'o', teamId: 'a' }, 'member', 'owner'); // false
 */
export function canAssignRole(actor: Actor, team: TeamRef, fromRole: Role | null, toRole: Role | null): boolean {
  if (team.orgId !== actor.orgId) return false;
  const target = { orgId: team.orgId, teamId: team.teamId };
  return roleSources(actor).some((source) => {
    if (!grantReaches(PERMISSION_MATRIX['members.write'][source.role], source, actor, target)) return false;
    const assignable = ASSIGNABLE_ROLES[source.role];
    return (fromRole === null || assignable.includes(fromRole)) && (toRole === null || assignable.includes(toRole));
  });
}

/**
 * canAssignRole as a check: 404 `not_found` for a team of another organization, else 403
 * `permission_denied` naming the change.
 * @example assertCanAssignRole(actor, team, current.role, body.role);
 */
export function assertCanAssignRole(actor: Actor, team: TeamRef, fromRole: Role | null, toRole: Role | null): void {
  if (team.orgId !== actor.orgId) throw fail('not_found');
  if (!canAssignRole(actor, team, fromRole, toRole)) {
    throw fail('permission_denied', { what: `change a role from '${fromRole ?? 'none'}' to '${toRole ?? 'none'}' in this team` });
  }
}

/**
 * Whether every role `other` holds (in any team or org-wide) ranks below the highest role `actor`
 * holds: the test for handing `actor` a credential of `other`'s account (a reset link without mail).
 * Nobody outranks themselves or a peer.
 * @example outranks(owner, member); // true   outranks(owner, anotherOwner); // false
 */
export function outranks(actor: Actor, other: Actor): boolean {
  if (actor.orgId !== other.orgId || actor.userId === other.userId) return false;
  const top = (a: Actor) => Math.max(0, ...roleSources(a).map((s) => ROLE_TABLE[s.role].rank));
  return top(actor) > top(other);
}
