import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { storeKinds, type TestStore } from '../../support/stores.ts';
import { api, buildWorld, chat, type TestKey, type World } from './world.ts';

for (const kind of storeKinds()) {
  describe(`user, team and organization budgets hold on the gateway (${kind.name})`, () => {
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

    /** Creates an exhausted ($0) budget, runs `check`, then deletes the budget. */
    const withExhausted = async (by: TestKey, scope: string, scopeId: string, check: (budgetId: string) => Promise<void>) => {
      const r = await api<{ id: string }>(w, by, '/api/budgets', { body: { scope, scope_id: scopeId, period: 'daily', limit_usd: '0', name: `${scope} stop` } });
      assert.equal(r.status, 201, JSON.stringify(r.json));
      try {
        await check(r.json.id);
      } finally {
        assert.equal((await api(w, w.keys.owner, `/api/budgets/${r.json.id}`, { method: 'DELETE' })).status, 200);
      }
    };
    const statuses = async (keys: TestKey[]) => Promise.all(keys.map(async (k) => (await chat(w, k)).status));

    test("a team budget blocks every key of that team (service and personal keys counted to it), no other", async () => {
      await withExhausted(w.keys.adminA, 'team', w.teamA.id, async (id) => {
        const blocked = await chat(w, w.keys.serviceA);
        assert.equal(blocked.status, 429);
        assert.equal(blocked.body.error?.code, 'budget_exceeded');
        assert.ok(blocked.body.error?.message.includes(id));
        assert.deepEqual(await statuses([w.keys.memberA, w.keys.adminA]), [429, 429]);
        assert.deepEqual(await statuses([w.keys.serviceB, w.keys.memberB, w.keys.memberAPersonal, w.keys.owner]), [200, 200, 200, 200]);
      });
      assert.equal((await chat(w, w.keys.serviceA)).status, 200, 'deleting the budget lifts it');
    });

    test('an organization budget blocks everyone in the organization, not another organization', async () => {
      await withExhausted(w.keys.owner, 'org', w.org.id, async () => {
        assert.deepEqual(await statuses([w.keys.owner, w.keys.serviceA, w.keys.serviceB, w.keys.memberB, w.keys.memberAPersonal]), [429, 429, 429, 429, 429]);
        assert.equal((await chat(w, w.keys.owner2)).status, 200);
      });
    });

    test("a user budget blocks that user's personal keys (in a team or not), not the team's service key", async () => {
      await withExhausted(w.keys.owner, 'user', w.users.memberA.id, async () => {
        assert.deepEqual(await statuses([w.keys.memberA, w.keys.memberAPersonal]), [429, 429]);
        assert.deepEqual(await statuses([w.keys.serviceA, w.keys.adminA, w.keys.memberB]), [200, 200, 200]);
      });
    });

    test('a key budget set by the team admin blocks only that key', async () => {
      await withExhausted(w.keys.adminA, 'key', w.keys.memberA.id, async () => {
        assert.deepEqual(await statuses([w.keys.memberA, w.keys.memberAPersonal, w.keys.serviceA]), [429, 200, 200]);
      });
    });

    test('another organization cannot stop this organization: its owner cannot budget our team, keys or org', async () => {
      for (const [scope, id] of [['team', w.teamA.id], ['key', w.keys.serviceA.id], ['org', w.org.id], ['user', w.users.memberA.id]] as const) {
        const r = await api<{ error: { param: string } }>(w, w.keys.owner2, '/api/budgets', { body: { scope, scope_id: id, period: 'daily', limit_usd: '0' } });
        assert.deepEqual([r.status, r.json.error.param], [404, 'scope_id'], scope);
      }
      assert.equal((await chat(w, w.keys.serviceA)).status, 200);
    });
  });
}
