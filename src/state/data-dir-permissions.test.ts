import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { openStore, sqlitePathIn } from './store.ts';

/*
 * Issue 8, point 12: the data folder and the SQLite files (which hold key hashes, sessions, the
 * audit log and SSO client secrets) were created with the default mode, readable by every local
 * user. The folder must be 0700 and the database, its -wal and -shm 0600.
 */
const mode = (path: string) => statSync(path).mode & 0o777;
const octal = (n: number) => `0${n.toString(8)}`;

describe('data folder and database file permissions', () => {
  const root = mkdtempSync(join(tmpdir(), 'tollgate-perm-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  const expectPrivate = async (dataDir: string) => {
    const store = openStore({ sqlitePath: sqlitePathIn(dataDir) });
    try {
      await store.migrate();
      await store.db.insertInto('change_versions').values({ topic: 'permission-test', version: 1 }).execute();
      assert.equal(octal(mode(dataDir)), '0700', 'data folder');
      for (const file of ['tollgate.db', 'tollgate.db-wal', 'tollgate.db-shm']) {
        assert.equal(octal(mode(join(dataDir, file))), '0600', file);
      }
    } finally {
      await store.close();
    }
  };

  test('a new data folder is 0700 and the database files 0600, whatever the umask', async () => {
    const previous = process.umask(0o022);
    try {
      await expectPrivate(join(root, 'fresh', 'data'));
    } finally {
      process.umask(previous);
    }
  });

  test('an existing world-readable folder and database are made private on start', async () => {
    const dataDir = join(root, 'old');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    writeFileSync(join(dataDir, 'tollgate.db'), '');
    chmodSync(join(dataDir, 'tollgate.db'), 0o644);
    await expectPrivate(dataDir);
  });
});
