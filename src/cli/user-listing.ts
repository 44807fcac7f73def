import type { MembershipRow, UserRow } from '../access/directory/directory.ts';
import type { DirectoryNames, Named } from './directory-names.ts';
import { relativeTime } from './relative-time.ts';
import { formatTable } from './text-table.ts';

/** One user as `tollgate users list --json` prints it: ids with names, ISO 8601 times, never a secret. */
export interface UserListing {
  id: string;
  email: string;
  name: string;
  org: Named | null;
  org_role: string | null;
  status: string;
  teams: (Named & { role: string })[];
  has_password: boolean;
  two_factor: boolean;
  created_at: string;
  last_sign_in_at: string | null;
}

/** Users with their organization and teams by name. */
export function userListings(users: readonly UserRow[], memberships: readonly MembershipRow[], names: DirectoryNames): UserListing[] {
  const teamsOf = new Map<string, (Named & { role: string })[]>();
  for (const m of memberships) {
    const team = names.team(m.team_id)!;
    teamsOf.set(m.user_id, [...(teamsOf.get(m.user_id) ?? []), { ...team, role: m.role }]);
  }
  return users.map((u) => ({
    id: u.id,
    email: u.email,
    name: u.name,
    org: names.org(u.org_id),
    org_role: u.org_role,
    status: u.status,
    teams: teamsOf.get(u.id) ?? [],
    has_password: u.password_hash !== null,
    two_factor: u.totp_enabled_at !== null,
    created_at: new Date(u.created_at).toISOString(),
    last_sign_in_at: u.last_sign_in_at === null ? null : new Date(u.last_sign_in_at).toISOString(),
  }));
}

/** The listing as a table for a person: teams by name with the role in each, times relative to now. */
export function userTable(rows: readonly UserListing[], manyOrgs: boolean, now = Date.now()): string {
  const header = ['ID', 'EMAIL', 'NAME', ...(manyOrgs ? ['ORGANIZATION'] : []), 'ORG ROLE', 'TEAMS', 'STATUS', 'PASSWORD', '2FA', 'CREATED', 'LAST SIGN-IN'];
  return formatTable(
    header,
    rows.map((u) => [
      u.id,
      u.email,
      u.name,
      ...(manyOrgs ? [u.org?.name ?? ''] : []),
      u.org_role ?? '',
      u.teams.map((t) => `${t.name} (${t.role})`).join(', '),
      u.status,
      u.has_password ? 'set' : 'none',
      u.two_factor ? 'on' : 'off',
      relativeTime(u.created_at, '', now),
      relativeTime(u.last_sign_in_at, 'never', now),
    ]),
  );
}
