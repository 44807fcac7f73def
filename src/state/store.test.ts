import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { storeKinds } from '../../test/support/stores.ts';

for (const kind of storeKinds()) {
  describe(`Store on ${kind.name}`, () => {
    test('migrations are applied once and are idempotent', async () => {
      const t = await kind.create();
      try {
        assert.deepEqual(await t.store.migrate(), [], 'a second run applies nothing');
        await t.store.ping();
        const tables = await t.store.db.introspection.getTables();
        const names = tables.map((x) => x.name);
        assert.ok(names.includes('api_keys'));
        assert.ok(names.includes('usage_records'));
      } finally {
        await t.dispose();
      }
    });
  });
}

describe('SQLite write-ahead-log checkpoints run on a worker thread', () => {
  test('the log is checkpointed off the main connection, and everything written is there after close', async () => {
    const { mkdtempSync, rmSync, statSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const SQLite = (await import('better-sqlite3')).default;
    const { openStore } = await import('./store.ts');
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-ckpt-'));
    const path = join(dir, 'tollgate.db');
    try {
      const store = openStore({ sqlitePath: path, checkpointIntervalMs: 25 });
      await store.migrate();
      const rows = Array.from({ length: 3_000 }, (_, i) => ({ id: `alt_${i}`, kind: 'k', subject: `s${i}`, details: '{}'.padEnd(200, ' '), created_at: i }));
      for (let i = 0; i < rows.length; i += 100) await store.db.insertInto('admin_alerts').values(rows.slice(i, i + 100)).execute();
      // The main connection never checkpoints by itself; the worker does within a few intervals.
      const probe = new SQLite(path);
      let pending = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 40 && pending > 0; i++) {
        await new Promise((r) => setTimeout(r, 25));
        const [r] = probe.pragma('wal_checkpoint(NOOP)') as { log: number; checkpointed: number }[];
        pending = r!.log - r!.checkpointed;
      }
      probe.close();
      assert.equal(pending, 0, 'every frame of the log was checkpointed by the worker');
      assert.ok(statSync(`${path}-wal`).size > 0);
      await store.close();
      const reopened = new SQLite(path, { readonly: true });
      assert.equal((reopened.prepare('select count(*) as n from admin_alerts').get() as { n: number }).n, 3_000);
      reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
