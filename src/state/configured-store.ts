import { openStore, sqlitePathIn, type Store } from './store.ts';

/** What picks the store: a PostgreSQL URL, else the SQLite data directory (the configuration's `store` group). */
export interface StoreChoice {
  database_url?: string | undefined;
  data_dir: string;
}

/**
 * The store the configuration names: PostgreSQL for a `database_url`, else SQLite (`tollgate.db`) in
 * the data directory. Kept apart from the server's wiring so the short-lived CLI commands open the
 * store without loading the HTTP server.
 * @example const store = openConfiguredStore(loadConfig().store); await store.migrate();
 */
export function openConfiguredStore(choice: StoreChoice, onConnectionError?: (err: Error) => void): Store {
  return choice.database_url
    ? openStore({ databaseUrl: choice.database_url, ...(onConnectionError ? { onConnectionError } : {}) })
    : openStore({ sqlitePath: sqlitePathIn(choice.data_dir) });
}
