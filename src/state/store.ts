import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type MigrationResultSet } from 'kysely';
import pg from 'pg';
import { announcingCommits, CommittedChanges } from './change-feed/committed-changes-dialect.ts';
import { migrations } from './migrations/index.ts';
import { ensurePrivateDatabaseFiles, ensurePrivateDir } from './private-files.ts';
import type { Database } from './schema.ts';

export type StoreDialect = 'sqlite' | 'postgres';

/** The relational store: one Kysely schema over SQLite (embedded) or PostgreSQL (shared). */
export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
  /**
   * SQLite only: the connection Kysely uses, for the few hot writes that run prepared statements
   * directly (the ledger's inserts). Statements run on it take part in a Kysely transaction open on it.
   */
  readonly sqlite?: SQLite.Database | undefined;
  /** The change topics this process's own writes commit (`publishChange`), told at commit. */
  readonly committedChanges: CommittedChanges;
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
  /**
   * SQLite: checkpoint the write-ahead log from a worker thread every this many ms instead of inside
   * whichever write crosses SQLite's auto-checkpoint threshold (a checkpoint copies pages and fsyncs:
   * ~10 ms that would otherwise stall the event loop). 0: SQLite's own auto-checkpoint. Default 1000.
   */
  checkpointIntervalMs?: number;
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
    const committed = new CommittedChanges();
    return makeStore(new Kysely<Database>({ dialect: announcingCommits(new PostgresDialect({ pool }), committed) }), 'postgres', committed);
  }
  const path = options.sqlitePath ?? ':memory:';
  if (path !== ':memory:') ensurePrivateDatabaseFiles(path);
  const sqlite = new SQLite(path);
  sqlite.pragma('journal_mode = WAL');
  if (path !== ':memory:') ensurePrivateDatabaseFiles(path);
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const interval = options.checkpointIntervalMs ?? 1_000;
  const checkpointer = path !== ':memory:' && interval > 0 ? startCheckpointer(path, interval) : undefined;
  if (checkpointer) sqlite.pragma('wal_autocheckpoint = 0');
  const committed = new CommittedChanges();
  const store = { ...makeStore(new Kysely<Database>({ dialect: announcingCommits(new SqliteDialect({ database: sqlite }), committed) }), 'sqlite', committed), sqlite };
  if (!checkpointer) return store;
  return {
    ...store,
    async close() {
      await checkpointer.stop();
      await store.close();
    },
  };
}

/** The worker's code: its own connection to the same file, a PASSIVE checkpoint on a timer. */
const CHECKPOINTER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 1000');
const checkpoint = (mode) => { try { db.pragma('wal_checkpoint(' + mode + ')'); } catch {} };
const timer = setInterval(() => checkpoint('PASSIVE'), workerData.intervalMs);
parentPort.once('message', () => {
  clearInterval(timer);
  checkpoint('PASSIVE');
  db.close();
  parentPort.close();
});
`;

/**
 * Checkpoints a WAL-mode SQLite file from a worker thread. PASSIVE checkpoints never block the
 * writers on the main thread; SQLite reuses the log from its start once a checkpoint has caught up.
 */
function startCheckpointer(path: string, intervalMs: number): { stop(): Promise<void> } {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(CHECKPOINTER, { eval: true, workerData: { path, intervalMs, driver } });
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}

/** The SQLite file under a data directory, creating the directory (0700). */
export function sqlitePathIn(dataDir: string): string {
  ensurePrivateDir(dataDir);
  return join(dataDir, 'tollgate.db');
}

function makeStore(db: Kysely<Database>, dialect: StoreDialect, committedChanges: CommittedChanges): Store {
  return {
    db,
    dialect,
    committedChanges,
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
