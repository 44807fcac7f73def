import type { Store } from '../store.ts';
import type { ChangeFeed } from './change-feed.ts';
import { PgNotifyChangeFeed } from './pg-notify-change-feed.ts';
import { SqlitePollChangeFeed } from './sqlite-poll-change-feed.ts';

export interface ChangeFeedOptions {
  /** The store's `postgres://` URL (the listener opens its own connection); absent for SQLite. */
  databaseUrl?: string | undefined;
  /** SQLite: how often the counters are read. Default 250 ms. */
  pollIntervalMs?: number | undefined;
  onError?: ((err: unknown) => void) | undefined;
}

/**
 * The change feed that fits the store: LISTEN/NOTIFY on PostgreSQL, polling on SQLite.
 * @example const feed = createChangeFeed(store, { databaseUrl: config.databaseUrl }); await feed.start();
 */
export function createChangeFeed(store: Store, options: ChangeFeedOptions = {}): ChangeFeed {
  const onError = options.onError ?? (() => {});
  if (store.dialect === 'postgres') {
    if (!options.databaseUrl) throw new Error('a PostgreSQL change feed needs the database URL');
    return new PgNotifyChangeFeed(store.db, { databaseUrl: options.databaseUrl, onError });
  }
  return new SqlitePollChangeFeed(store.db, { intervalMs: options.pollIntervalMs ?? 250, onError });
}
