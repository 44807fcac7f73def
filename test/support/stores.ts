import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore, type Store } from '../../src/state/index.ts';

/** A store made for one test, and how to throw it away. */
export interface TestStore {
  store: Store;
  /** `DATABASE_URL` for a Tollgate process that should use the same database (PostgreSQL only). */
  databaseUrl: string | undefined;
  dataDir: string;
  dispose(): Promise<void>;
}

export interface StoreKind {
  name: 'sqlite' | 'postgres';
  create(): Promise<TestStore>;
}

/** SQLite always; PostgreSQL too when TOLLGATE_TEST_DATABASE_URL names a server (each test gets a fresh database). */
export function storeKinds(): StoreKind[] {
  const kinds: StoreKind[] = [{ name: 'sqlite', create: createSqliteStore }];
  const pgUrl = process.env.TOLLGATE_TEST_DATABASE_URL;
  if (pgUrl) kinds.push({ name: 'postgres', create: () => createPostgresStore(pgUrl) });
  return kinds;
}

export async function createSqliteStore(): Promise<TestStore> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-test-'));
  const store = openStore({ sqlitePath: join(dataDir, 'tollgate.db') });
  await store.migrate();
  return {
    store,
    databaseUrl: undefined,
    dataDir,
    async dispose() {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function createPostgresStore(adminUrl: string): Promise<TestStore> {
  const name = `tollgate_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const store = openStore({ databaseUrl });
  await store.migrate();
  const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-test-'));
  return {
    store,
    databaseUrl,
    dataDir,
    async dispose() {
      await store.close();
      await dropDatabase(adminUrl, name);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Drops a test database; a background worker (autovacuum) still in it only delays the drop. */
async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      return;
    } catch (err) {
      if (attempt >= 10) throw err;
    } finally {
      await c.end();
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
