import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import type { StoreDialect } from '../store.ts';

/**
 * Tells every process on the same store that something they cache has changed: revocations,
 * expiries, role and membership changes must reach all gateway instances (and a running server
 * after a `tollgate keys revoke` from the shell) within a second, not after a cache TTL.
 *
 * The durable part is a counter per topic in `change_versions`, bumped inside the transaction of
 * the change (`publishChange`), so a change is announced exactly when it commits and a process
 * that missed a notification (it was restarting, its connection dropped) still sees the counter
 * moved. How processes hear of it is the adapter's: SQLite processes poll the counters (a tiny
 * read every ~250 ms); PostgreSQL sends `NOTIFY` from the same transaction and listeners re-read
 * the counters after a reconnect. A Redis pub/sub adapter fits the same port (publish after the
 * commit, re-read the counters on reconnect).
 * @example
 * const feed = createChangeFeed(store, { databaseUrl });
 * await feed.start();
 * feed.subscribe((topic) => { if (topic === ACCESS_TOPIC) keys.invalidateAll(); });
 */
export interface ChangeFeed {
  /** Starts listening (reads the current counters as the baseline). */
  start(): Promise<void>;
  /**
   * Calls `listener` once for each topic that changed, whichever process changed it (this one
   * included), at most about a poll interval late. Returns the unsubscribe function.
   */
  subscribe(listener: (topic: string) => void): () => void;
  close(): Promise<void>;
}

/** What a key's principal is built from: keys, users, memberships, organization allowlists. */
export const ACCESS_TOPIC = 'access';

/** Budget definitions (created, changed, deleted): every instance reloads its budget index. */
export const BUDGETS_TOPIC = 'budgets';

/** The PostgreSQL channel the notifications travel on; the payload is the topic. */
export const PG_CHANNEL = 'tollgate_changes';

/**
 * Records a change of `topic` inside the caller's transaction (pass the transaction): the counter is
 * bumped, and on PostgreSQL a notification is queued that is delivered when the transaction commits
 * (and dropped if it rolls back).
 * @example await db.transaction().execute(async (trx) => { …; await publishChange(trx, store.dialect, ACCESS_TOPIC); });
 */
export async function publishChange(db: Kysely<Database>, dialect: StoreDialect, topic: string): Promise<void> {
  await db
    .insertInto('change_versions')
    .values({ topic, version: 1 })
    .onConflict((oc) => oc.column('topic').doUpdateSet({ version: sql`change_versions.version + 1` }))
    .execute();
  if (dialect === 'postgres') await sql`select pg_notify(${PG_CHANNEL}, ${topic})`.execute(db);
}
