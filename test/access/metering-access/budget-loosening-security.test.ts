import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { storeKinds, type TestStore } from '../../support/stores.ts';
import { api, buildWorld, type TestKey, type World } from './world.ts';

/*
 * Issue 8, point 10: team admins could raise or delete a budget an owner set on their team or on
 * themselves. A budget records the role its creator held where it is; loosening it (a higher
 * limit, another period or time zone, fewer alerts) or deleting it needs at least that role there.
 * Tightening it (a lower limit, more alerts, a new name) stays open to whoever may write budgets there.
 */
for (const kind of storeKinds()) {
  describe(`budgets cannot be loosened below their creator's level (${kind.name})`, () => {
    let store: TestStore;
    let w: World;
    before(async () => {
      store = await kind.create();
      w = await buildWorld(store);
    });
    after(async () => {
      await w?.close();
      await store?.dispose();
    });

    const create = async (key: TestKey, body: Record<string, unknown>) => {
      const res = await api<{ id: string; creator_role: string; error?: unknown }>(w, key, '/api/budgets', { body: { period: 'monthly', limit_usd: '10.00', thresholds: [50, 80], ...body } });
      assert.equal(res.status, 201, JSON.stringify(res.json));
      return res.json;
    };
    const patch = (key: TestKey, id: string, body: Record<string, unknown>) => api<{ error?: { code: string; param: string } }>(w, key, `/api/budgets/${id}`, { method: 'PATCH', body });

    test("a team admin cannot raise, re-period or silence the owner's budget on their team, nor delete it", async () => {
      const budget = await create(w.keys.owner, { scope: 'team', scope_id: w.teamA.id });
      assert.equal(budget.creator_role, 'owner');
      for (const body of [{ limit_usd: '20.00' }, { period: 'daily' }, { timezone: 'Pacific/Kiritimati' }, { thresholds: [80] }]) {
        const res = await patch(w.keys.adminA, budget.id, body);
        assert.equal(res.status, 403, `${JSON.stringify(body)}: ${JSON.stringify(res.json)}`);
        assert.equal(res.json.error?.code, 'budget_creator_outranks_you');
        assert.equal(res.json.error?.param, Object.keys(body)[0]);
      }
      const del = await api<{ error?: { code: string } }>(w, w.keys.adminA, `/api/budgets/${budget.id}`, { method: 'DELETE' });
      assert.equal(del.status, 403);
      assert.equal(del.json.error?.code, 'budget_creator_outranks_you');
      // Tightening stays open to the admin.
      assert.equal((await patch(w.keys.adminA, budget.id, { limit_usd: '5.00', thresholds: [25, 50, 80], name: 'Team A cap' })).status, 200);
      const after = await api<{ limit_usd: string }>(w, w.keys.owner, `/api/budgets/${budget.id}`);
      assert.equal(after.json.limit_usd, '5.00');
      // The owner may loosen and delete it.
      assert.equal((await patch(w.keys.owner, budget.id, { limit_usd: '50.00' })).status, 200);
      assert.equal((await api(w, w.keys.owner, `/api/budgets/${budget.id}`, { method: 'DELETE' })).status, 200);
    });

    test("a team admin cannot raise or delete a budget the owner set on the admin personally", async () => {
      const budget = await create(w.keys.owner, { scope: 'user', scope_id: w.users.adminA.id });
      assert.equal((await patch(w.keys.adminA, budget.id, { limit_usd: '1000.00' })).status, 403);
      assert.equal((await api(w, w.keys.adminA, `/api/budgets/${budget.id}`, { method: 'DELETE' })).status, 403);
    });

    test("a team admin's own budget on their team is theirs to loosen and delete", async () => {
      const budget = await create(w.keys.adminA, { scope: 'team', scope_id: w.teamA.id });
      assert.equal(budget.creator_role, 'admin');
      assert.equal((await patch(w.keys.adminA, budget.id, { limit_usd: '30.00', period: 'weekly' })).status, 200);
      assert.equal((await api(w, w.keys.adminA, `/api/budgets/${budget.id}`, { method: 'DELETE' })).status, 200);
    });

    test('a budget made before creator levels were recorded counts as an owner\'s', async () => {
      const budget = await create(w.keys.adminA, { scope: 'team', scope_id: w.teamA.id });
      await w.gw.tg.store.db.updateTable('budgets').set({ creator_role: null }).where('id', '=', budget.id).execute();
      assert.equal((await patch(w.keys.adminA, budget.id, { limit_usd: '30.00' })).status, 403);
    });
  });
}
