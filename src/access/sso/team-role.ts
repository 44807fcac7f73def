import { ROLES, type Role } from '../permissions/roles.ts';

/**
 * Roles a user can hold in a team, from most to least powerful: the access model's roles, in its
 * order (member above auditor: member can act, auditor only reads), so "highest role wins" is decided.
 */
export const TEAM_ROLES = ROLES;

/** A role within a team: the access model's Role. */
export type TeamRole = Role;

/**
 * Orders roles: a higher rank is more powerful.
 * @example roleRank('owner') > roleRank('member') // true
 */
export function roleRank(role: TeamRole): number {
  return TEAM_ROLES.length - TEAM_ROLES.indexOf(role);
}

export type { Role };
