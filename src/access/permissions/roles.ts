/**
 * The roles a user can hold, in a team (a membership) or across the organization (an org role).
 * `rank` orders them for the escalation rules: nobody grants a role ranked above their own.
 * `readOnly` roles may never be granted an action that changes anything (checked when the matrix loads).
 * @example ROLES.includes('auditor'); // true
 */
export const ROLE_TABLE = {
  owner: { rank: 4, readOnly: false, summary: 'Runs the organization: everything, everywhere in it.' },
  admin: { rank: 3, readOnly: false, summary: 'Manages one team: its keys, budgets and members.' },
  member: { rank: 2, readOnly: false, summary: 'Uses the gateway and the workspace; manages own keys.' },
  auditor: { rank: 2, readOnly: true, summary: 'Reads the audit log, usage and reports of the whole organization; changes nothing.' },
  viewer: { rank: 1, readOnly: true, summary: "Reads the team's usage, budgets and alerts; changes nothing." },
} as const satisfies Record<string, { rank: number; readOnly: boolean; summary: string }>;

export type Role = keyof typeof ROLE_TABLE;

/** Every role, highest first. */
export const ROLES = Object.keys(ROLE_TABLE) as readonly Role[] as readonly [Role, ...Role[]];

/** Whether `role` is ranked at or below `ceiling`. */
export function rankedAtMost(role: Role, ceiling: Role): boolean {
  return ROLE_TABLE[role].rank <= ROLE_TABLE[ceiling].rank;
}
