import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type MigrationResultSet } from 'kysely';
import pg from 'pg';
import { migrations } from './migrations/index.ts';
import type { Database } from './schema.ts';

export type StoreDialect = 'sqlite' | 'postgres';

/** The relational store: one Kysely schema over SQLite (embedded) or PostgreSQL (shared). */
export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
  /** Applies pending migrations; throws if one fails. */
  migrate(): Promise<string[]>;
  /** Cheap round trip, for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** `postgres://…` for PostgreSQL; otherwise SQLite. */
  databaseUrl?: string | undefined;
  /** SQLite file; `:memory:` for a throwaway store. */
  sqlitePath?: string;
  /**
   * Told about errors of idle PostgreSQL connections (server restart, failover). Without a listener
   * node-postgres would crash the process; the pool replaces the connection on next use.
   */
  onConnectionError?: (err: Error) => void;
}

// PostgreSQL returns int8 as a string to protect precision. Our bigints are epoch milliseconds and
// token counts, far below 2^53, so numbers are safe and keep both dialects' rows identical.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));

/**
 * Opens the store described by the options.
 * @example const store = openStore({ sqlitePath: './data/tollgate.db' }); await store.migrate();
 */
export function openStore(options: StoreOptions): Store {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    pool.on('error', options.onConnectionError ?? (() => {}));
    return makeStore(new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), 'postgres');
  }
  const path = options.sqlitePath ?? ':memory:';
  const sqlite = new SQLite(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  return makeStore(new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) }), 'sqlite');
}

/** Opens the SQLite store under a data directory, creating the directory. */
export function sqlitePathIn(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true });
  return join(dataDir, 'tollgate.db');
}

function makeStore(db: Kysely<Database>, dialect: StoreDialect): Store {
  return {
    db,
    dialect,
    async migrate() {
      const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
      const { error, results } = await migrator.migrateToLatest();
      if (error) throw new Error(`migration failed: ${describe(results)}`, { cause: error });
      return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

function describe(results: MigrationResultSet['results']): string {
  const failed = results?.find((r) => r.status === 'Error');
  return failed ? failed.migrationName : 'unknown migration';
}
