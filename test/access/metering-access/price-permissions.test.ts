import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { storeKinds, type TestStore } from '../../support/stores.ts';
import { api, buildWorld, type World } from './world.ts';

const price = { input: '1.00', output: '2.00', max_output_tokens: 4096, context_window: 131072 };

for (const kind of storeKinds()) {
  describe(`prices: everyone reads, only the home organization's owners write (${kind.name})`, () => {
    let store: TestStore;
    let w: World;
    before(async () => {
      store = await kind.create();
      w = await buildWorld(store);
    });
    after(async () => {
      await w.close();
      await store.dispose();
    });

    test('every role reads prices, in every organization', async () => {
      for (const key of [w.keys.memberA, w.keys.viewerA, w.keys.auditor, w.keys.owner2]) {
        assert.equal((await api(w, key, '/api/prices/gpt-4o')).status, 200);
      }
    });

    test("admins, members, auditors and viewers cannot set or delete prices", async () => {
      for (const key of [w.keys.adminA, w.keys.memberA, w.keys.viewerA, w.keys.auditor]) {
        const put = await api<{ error: { code: string } }>(w, key, '/api/prices/acme-model', { method: 'PUT', body: price });
        assert.deepEqual([put.status, put.json.error.code], [403, 'permission_denied']);
        assert.equal((await api(w, key, '/api/prices/acme-model', { method: 'DELETE' })).status, 403);
      }
    });

    test("another organization's owner is refused with a message saying why; the home owner's change is recorded", async () => {
      const put = await api<{ error: { code: string; message: string } }>(w, w.keys.owner2, '/api/prices/acme-model', { method: 'PUT', body: price });
      assert.equal(put.status, 403);
      assert.match(put.json.error.message, /whole deployment.*home organization/);
      assert.equal((await api(w, w.keys.owner2, '/api/prices/acme-model', { method: 'DELETE' })).status, 403);

      const ok = await api<{ created_by: string }>(w, w.keys.owner, '/api/prices/acme-model', { method: 'PUT', body: price });
      assert.equal(ok.status, 200, JSON.stringify(ok.json));
      assert.equal(ok.json.created_by, w.gw.tg.home.owner.id);
      assert.equal((await api(w, w.keys.owner2, '/api/prices/acme-model')).json.input, '1.00', 'the price applies to every organization');
      assert.equal((await api(w, w.keys.owner, '/api/prices/acme-model', { method: 'DELETE' })).status, 200);
      const records = await w.gw.tg.store.db.selectFrom('audit_events').selectAll().where('target', '=', 'acme-model').orderBy('at').execute();
      assert.deepEqual(records.map((r) => [r.actor, r.action, r.org_id]), [
        [w.gw.tg.home.owner.id, 'price.override_set', w.org.id],
        [w.gw.tg.home.owner.id, 'price.override_deleted', w.org.id],
      ]);
      assert.equal(records[0]!.before, null);
      assert.equal(JSON.parse(records[0]!.after!)[0].model, 'acme-model');
      assert.equal(JSON.parse(records[1]!.before!).length, 1);
      assert.equal(records[1]!.after, null);
    });
  });
}
