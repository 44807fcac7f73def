import { openStore, sqlitePathIn, type Store } from './store.ts';

/** What picks the store: a PostgreSQL URL, else the SQLite data directory (the fields of Config). */
export interface StoreChoice {
  databaseUrl?: string | undefined;
  dataDir: string;
}

/**
 * The store the configuration names: PostgreSQL for a `databaseUrl`, else SQLite (`tollgate.db`) in
 * the data directory. Kept apart from the server's wiring so the short-lived CLI commands open the
 * store without loading the HTTP server.
 * @example const store = openConfiguredStore(loadConfig()); await store.migrate();
 */
export function openConfiguredStore(choice: StoreChoice, onConnectionError?: (err: Error) => void): Store {
  return choice.databaseUrl
    ? openStore({ databaseUrl: choice.databaseUrl, ...(onConnectionError ? { onConnectionError } : {}) })
    : openStore({ sqlitePath: sqlitePathIn(choice.dataDir) });
}
