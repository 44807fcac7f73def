import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { storeKinds, type TestStore } from '../../../test/support/stores.ts';
import { openStore, type Store } from '../store.ts';
import { publishChange } from './change-feed.ts';

// A process publishes its changes over Redis from the store's commit hook. Published before the
// commit, another instance would reload the old rows (and cache a revoked key again for its TTL);
// published for a rolled-back change, it would announce what never happened.
for (const kind of storeKinds()) {
  describe(`committed changes are announced after the commit (${kind.name})`, () => {
    let t: TestStore;
    let other: Store;
    before(async () => {
      t = await kind.create();
      other = t.databaseUrl ? openStore({ databaseUrl: t.databaseUrl }) : openStore({ sqlitePath: `${t.dataDir}/tollgate.db`, checkpointIntervalMs: 0 });
    });
    after(async () => {
      await other?.close();
      await t?.dispose();
    });
    const versionSeenElsewhere = (topic: string) =>
      other.db.selectFrom('change_versions').select('version').where('topic', '=', topic).executeTakeFirst().then((r) => (r ? Number(r.version) : 0));

    test('announced once the change is visible to another connection, not while the transaction is open', async () => {
      const announced: Promise<number>[] = [];
      const off = t.store.committedChanges.subscribe((topic) => announced.push(versionSeenElsewhere(topic)));
      try {
        await t.store.db.transaction().execute(async (trx) => {
          await publishChange(trx, t.store.dialect, 'visible');
          await publishChange(trx, t.store.dialect, 'visible');
          assert.equal(announced.length, 0, 'nothing announced before the commit');
        });
        assert.equal(announced.length, 1, 'one announcement for the topic, however often the transaction bumped it');
        assert.equal(await announced[0], 2, 'the committed version is what another connection reads when told');
      } finally {
        off();
      }
    });

    test('a rolled-back change is never announced; one made outside a transaction is announced at once', async () => {
      const topics: string[] = [];
      const off = t.store.committedChanges.subscribe((topic) => topics.push(topic));
      try {
        await assert.rejects(
          t.store.db.transaction().execute(async (trx) => {
            await publishChange(trx, t.store.dialect, 'rolled-back');
            throw new Error('roll back');
          }),
        );
        assert.deepEqual(topics, []);
        await publishChange(t.store.db, t.store.dialect, 'autocommit');
        assert.deepEqual(topics, ['autocommit']);
        // The next transaction on the same connection starts clean.
        await t.store.db.transaction().execute((trx) => publishChange(trx, t.store.dialect, 'next'));
        assert.deepEqual(topics, ['autocommit', 'next']);
      } finally {
        off();
      }
    });

    test('other writes are not mistaken for changes', async () => {
      const topics: string[] = [];
      const off = t.store.committedChanges.subscribe((topic) => topics.push(topic));
      try {
        await t.store.db.transaction().execute(async (trx) => {
          await trx.insertInto('gateway_instances').values({ id: 'ins_test', host: 'h', pid: 1, started_at: 1, heartbeat_at: 1, shared_counters: 0 }).execute();
          await trx.deleteFrom('gateway_instances').where('id', '=', 'ins_test').execute();
        });
        assert.deepEqual(topics, []);
      } finally {
        off();
      }
    });
  });
}
