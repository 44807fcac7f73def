import { roleRank, type TeamRole } from './team-role.ts';

/** One rule: members of the IdP group `group` get `role` in team `team`. */
export interface GroupRule {
  group: string;
  team: string;
  role: TeamRole;
}

/** A team membership granted by the IdP's groups. */
export interface TeamMembership {
  team: string;
  role: TeamRole;
}

/**
 * Maps the groups of a signed-in user to team memberships. Groups match rules exactly
 * (case-sensitive, as IdPs send them); when several rules grant roles in one team, the highest
 * role wins. Teams come out in the order of their first matching rule.
 * @example
 * mapGroups(['eng', 'eng-leads'], [
 *   { group: 'eng', team: 'platform', role: 'member' },
 *   { group: 'eng-leads', team: 'platform', role: 'admin' },
 * ]); // → [{ team: 'platform', role: 'admin' }]
 */
export function mapGroups(groups: readonly string[], rules: readonly GroupRule[]): TeamMembership[] {
  const held = new Set(groups);
  const byTeam = new Map<string, TeamRole>();
  for (const rule of rules) {
    if (!held.has(rule.group)) continue;
    const current = byTeam.get(rule.team);
    if (current === undefined || roleRank(rule.role) > roleRank(current)) byTeam.set(rule.team, rule.role);
  }
  return [...byTeam].map(([team, role]) => ({ team, role }));
}
