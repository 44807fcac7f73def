import type { Actor, RoleSource, Target } from './actor.ts';
import type { Grant } from './matrix-schema.ts';

/**
 * Whether one grant, held through one role source, reaches the target. The target is assumed to be
 * in the actor's organization (authorize checks that first).
 * @example grantReaches('team', { role: 'admin', teamId: 'a' }, ana, { orgId: 'o', teamId: 'b' }); // false
 */
export function grantReaches(grant: Grant, source: RoleSource, actor: Actor, target: Target): boolean {
  const teamId = target.teamId ?? null;
  const owned = target.ownerUserId != null && target.ownerUserId === actor.userId;
  const orgWide = source.teamId === null;
  const inSourceTeam = teamId !== null && teamId === source.teamId;
  switch (grant) {
    case 'org':
      return true;
    case 'team':
      return orgWide || inSourceTeam || (owned && teamId === null);
    case 'own':
      return owned && (orgWide || inSourceTeam || teamId === null);
    case 'none':
      return false;
  }
}
