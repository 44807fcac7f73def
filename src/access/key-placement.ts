import type { Store } from '../state/index.ts';

/** Where a key belongs: its organization, team and user (any may be null). */
export interface KeyPlacement {
  org_id: string | null;
  team_id: string | null;
  user_id: string | null;
}

/** How many ids one `in (...)` list carries (well under SQLite's and PostgreSQL's parameter limits). */
const CHUNK = 500;

/**
 * Where a key belongs, or undefined for an unknown key. Access owns `api_keys`: other modules
 * (budgets checking a key scope) ask here instead of reading the table.
 */
export function keyPlacement(store: Store, keyId: string): Promise<KeyPlacement | undefined> {
  return store.db.selectFrom('api_keys').select(['org_id', 'team_id', 'user_id']).where('id', '=', keyId).executeTakeFirst();
}

/** The placement of each known key among `keyIds` (unknown ids are absent from the map). */
export async function keyPlacements(store: Store, keyIds: readonly string[]): Promise<Map<string, KeyPlacement>> {
  const out = new Map<string, KeyPlacement>();
  for (let i = 0; i < keyIds.length; i += CHUNK) {
    const rows = await store.db.selectFrom('api_keys').select(['id', 'org_id', 'team_id', 'user_id']).where('id', 'in', keyIds.slice(i, i + CHUNK)).execute();
    for (const { id, ...placement } of rows) out.set(id, placement);
  }
  return out;
}
