/**
 * Roles a user can hold in a team, from most to least powerful. The order is total so that
 * "highest role wins" is always decided; member is put above auditor (member can act, auditor only reads).
 */
export const TEAM_ROLES = ['owner', 'admin', 'member', 'auditor', 'viewer'] as const;

/** A role within a team. `auditor` reads usage and audit data; `viewer` reads only. */
export type TeamRole = (typeof TEAM_ROLES)[number];

/**
 * Orders roles: a higher rank is more powerful.
 * @example roleRank('owner') > roleRank('member') // true
 */
export function roleRank(role: TeamRole): number {
  return TEAM_ROLES.length - TEAM_ROLES.indexOf(role);
}

/** Short name for TeamRole, as the access module's brief spells it. */
export type Role = TeamRole;
