import type { KeyView } from '../access/key-service.ts';
import type { DirectoryNames, Named } from './directory-names.ts';
import { relativeTime } from './relative-time.ts';
import { formatTable } from './text-table.ts';

/** One key as `tollgate keys list --json` prints it: ids with names, ISO 8601 times. */
export interface KeyListing {
  id: string;
  name: string;
  prefix: string;
  kind: KeyView['kind'];
  org: Named | null;
  /** The owner of a personal key. */
  user: (Named & { email: string }) | null;
  /** The team of a service key. */
  team: Named | null;
  /** A service key's role in its team; null for a personal key (it acts with its user's roles). */
  role: string | null;
  allowed_models: string[] | null;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
  state: 'active' | 'expired' | 'revoked';
}

/** Keys with the names of their owners and teams, and their state now. */
export function keyListings(keys: readonly KeyView[], names: DirectoryNames, now = Date.now()): KeyListing[] {
  return keys.map((k) => ({
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    kind: k.kind,
    org: names.org(k.org_id),
    user: names.user(k.user_id),
    team: names.team(k.team_id),
    role: k.role,
    allowed_models: k.allowed_models,
    created_at: k.created_at,
    last_used_at: k.last_used_at,
    expires_at: k.expires_at,
    revoked_at: k.revoked_at,
    state: k.revoked_at ? 'revoked' : k.expires_at && Date.parse(k.expires_at) <= now ? 'expired' : 'active',
  }));
}

/** The listing as a table for a person: who a key belongs to by email or team name, times relative to now. */
export function keyTable(rows: readonly KeyListing[], manyOrgs: boolean, now = Date.now()): string {
  const header = ['ID', 'NAME', 'PREFIX', 'BELONGS TO', 'ROLE', 'MODELS', 'CREATED', 'LAST USED', 'EXPIRES', 'STATE'];
  return formatTable(
    header,
    rows.map((k) => {
      const owner = k.user ? k.user.email : k.team ? `team ${k.team.name}` : '';
      return [
        k.id,
        k.name,
        `${k.prefix}…`,
        manyOrgs && k.org ? `${owner} (${k.org.name})` : owner,
        k.role ?? (k.kind === 'personal' ? "user's" : ''),
        k.allowed_models?.join(',') ?? 'all',
        relativeTime(k.created_at, '', now),
        relativeTime(k.last_used_at, 'never', now),
        k.revoked_at ? '' : relativeTime(k.expires_at, 'never', now),
        k.state === 'revoked' ? `revoked ${relativeTime(k.revoked_at, '', now)}` : k.state,
      ];
    }),
  );
}
