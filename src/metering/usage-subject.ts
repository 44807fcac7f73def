import type { Store } from '../state/index.ts';

/**
 * A person's ledger rows for a data export (ids, models, tokens, cost; the ledger holds no
 * content), newest first, at most `limit`.
 * @example const rows = await usageOfUser(store, userId, 100_000);
 */
export async function usageOfUser(store: Store, userId: string, limit: number): Promise<Record<string, unknown>[]> {
  return store.db
    .selectFrom('usage_records')
    .select(['request_id', 'created_at', 'key_id', 'endpoint', 'model_requested', 'model_served', 'status', 'stream', 'prompt_tokens', 'cached_tokens', 'completion_tokens', 'reasoning_tokens', 'cost_nanos', 'error_code', 'org_id', 'team_id'])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}

/**
 * Replaces a person's id on their ledger rows with a pseudonym (erasure): every number stays, so
 * organization and team totals do not change; the rows no longer name the person.
 * @returns how many rows were changed
 */
export async function pseudonymizeUsage(store: Store, userId: string, pseudonym: string): Promise<number> {
  const r = await store.db.updateTable('usage_records').set({ user_id: pseudonym }).where('user_id', '=', userId).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Deletes an organization's raw ledger rows older than `before` (retention); daily roll-ups stay. */
export async function pruneOrgUsage(store: Store, orgId: string, before: number): Promise<number> {
  const r = await store.db.deleteFrom('usage_records').where('org_id', '=', orgId).where('created_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Deletes a team's raw ledger rows older than `before` (daily roll-ups stay); returns how many. */
export async function pruneTeamUsage(store: Store, teamId: string, before: number): Promise<number> {
  const r = await store.db.deleteFrom('usage_records').where('team_id', '=', teamId).where('created_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}
