import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { storeKinds, type TestStore } from '../../support/stores.ts';
import { api, buildWorld, chat, type TestKey, type World } from './world.ts';

interface BudgetJson {
  id: string;
  scope: string;
  scope_id: string;
  org_id: string | null;
  team_id: string | null;
  owner_user_id: string | null;
  limit_usd: string;
}
interface ErrorJson {
  error: { code: string; param: string | null; type: string; message: string };
}

for (const kind of storeKinds()) {
  describe(`budgets follow the permission model (${kind.name})`, () => {
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

    const create = (key: TestKey, scope: string, scopeId: string, limit = '5.00') =>
      api<BudgetJson & ErrorJson>(w, key, '/api/budgets', { body: { scope, scope_id: scopeId, period: 'daily', limit_usd: limit } });
    const created = async (key: TestKey, scope: string, scopeId: string, limit?: string) => {
      const r = await create(key, scope, scopeId, limit);
      assert.equal(r.status, 201, JSON.stringify(r.json));
      return r.json;
    };
    const remove = async (id: string) => assert.equal((await api(w, w.keys.owner, `/api/budgets/${id}`, { method: 'DELETE' })).status, 200);
    const listIds = async (key: TestKey) => {
      const r = await api<{ data: BudgetJson[] }>(w, key, '/api/budgets');
      assert.equal(r.status, 200);
      return r.json.data.map((b) => b.id).sort();
    };

    test('a budget is placed where its subject is', async () => {
      const k = await created(w.keys.owner, 'key', w.keys.memberA.id);
      assert.deepEqual([k.org_id, k.team_id, k.owner_user_id], [w.org.id, w.teamA.id, w.users.memberA.id]);
      const u = await created(w.keys.owner, 'user', w.users.memberB.id);
      assert.deepEqual([u.org_id, u.team_id, u.owner_user_id], [w.org.id, null, w.users.memberB.id]);
      const t = await created(w.keys.owner, 'team', w.teamB.id);
      assert.deepEqual([t.org_id, t.team_id, t.owner_user_id], [w.org.id, w.teamB.id, null]);
      const o = await created(w.keys.owner, 'org', w.org.id);
      assert.deepEqual([o.org_id, o.team_id, o.owner_user_id], [w.org.id, null, null]);
      for (const b of [k, u, t, o]) await remove(b.id);
    });

    test("team A's admin budgets team A and its keys, but not team B, B's keys, other users or the organization", async () => {
      const team = await created(w.keys.adminA, 'team', w.teamA.id);
      const service = await created(w.keys.adminA, 'key', w.keys.serviceA.id);
      const memberKey = await created(w.keys.adminA, 'key', w.keys.memberA.id);
      const self = await created(w.keys.adminA, 'user', w.users.adminA.id);
      for (const [scope, id] of [
        ['team', w.teamB.id],
        ['key', w.keys.serviceB.id],
        ['key', w.keys.memberB.id],
        ['key', w.keys.memberAPersonal.id],
        ['user', w.users.memberA.id],
        ['org', w.org.id],
      ] as const) {
        const r = await create(w.keys.adminA, scope, id);
        assert.equal(r.status, 403, `${scope} ${id}: ${JSON.stringify(r.json)}`);
        assert.equal(r.json.error.code, 'permission_denied');
      }
      const patched = await api<BudgetJson>(w, w.keys.adminA, `/api/budgets/${team.id}`, { method: 'PATCH', body: { limit_usd: '9.00' } });
      assert.deepEqual([patched.status, patched.json.limit_usd], [200, '9.00']);
      const bBudget = await created(w.keys.owner, 'team', w.teamB.id);
      assert.equal((await api(w, w.keys.adminA, `/api/budgets/${bBudget.id}`, { method: 'PATCH', body: { limit_usd: '1.00' } })).status, 403);
      assert.equal((await api(w, w.keys.adminA, `/api/budgets/${bBudget.id}`, { method: 'DELETE' })).status, 403);
      assert.equal((await api(w, w.keys.adminA, `/api/budgets/${bBudget.id}`)).status, 403);
      assert.equal((await api(w, w.keys.adminA, `/api/budgets/${memberKey.id}`, { method: 'DELETE' })).status, 200);
      for (const b of [team, service, self, bBudget]) await remove(b.id);
    });

    test('members and viewers cannot write budgets; an auditor reads every budget but changes none', async () => {
      const b = await created(w.keys.owner, 'team', w.teamA.id);
      for (const key of [w.keys.memberA, w.keys.viewerA, w.keys.auditor]) {
        const post = await create(key, 'team', w.teamA.id);
        assert.equal(post.status, 403);
        assert.equal(post.json.error.type, 'permission_error');
        assert.equal((await api(w, key, `/api/budgets/${b.id}`, { method: 'PATCH', body: { limit_usd: '1.00' } })).status, 403);
        assert.equal((await api(w, key, `/api/budgets/${b.id}`, { method: 'DELETE' })).status, 403);
        assert.equal((await api(w, key, `/api/budgets/${b.id}`)).status, 200, 'but they can read it');
      }
      assert.equal((await api<BudgetJson>(w, w.keys.owner, `/api/budgets/${b.id}`)).json.limit_usd, '5.00', 'nothing changed');
      await remove(b.id);
    });

    test('lists and reads hold only the budgets of the teams (and user) the caller may read', async () => {
      const a = await created(w.keys.owner, 'team', w.teamA.id);
      const bKey = await created(w.keys.owner, 'key', w.keys.serviceB.id);
      const userA = await created(w.keys.owner, 'user', w.users.memberA.id);
      const org = await created(w.keys.owner, 'org', w.org.id);
      assert.deepEqual(await listIds(w.keys.memberA), [a.id, userA.id].sort());
      assert.deepEqual(await listIds(w.keys.viewerA), [a.id]);
      assert.deepEqual(await listIds(w.keys.memberB), [bKey.id]);
      assert.deepEqual(await listIds(w.keys.auditor), [a.id, bKey.id, userA.id, org.id].sort());
      assert.deepEqual(await listIds(w.keys.owner2), []);
      assert.equal((await api(w, w.keys.memberA, `/api/budgets/${bKey.id}`)).status, 403);
      const elsewhere = await api<ErrorJson>(w, w.keys.owner2, `/api/budgets/${a.id}`);
      assert.deepEqual([elsewhere.status, elsewhere.json.error.code], [404, 'budget_not_found']);
      assert.equal((await api(w, w.keys.owner2, `/api/budgets/${a.id}`, { method: 'DELETE' })).status, 404);
      for (const b of [a, bKey, userA, org]) await remove(b.id);
    });

    test("a subject that is unknown or in another organization is a 404 naming scope_id", async () => {
      for (const [key, scope, id, code] of [
        [w.keys.owner, 'key', 'key_nope', 'key_not_found'],
        [w.keys.owner, 'key', w.keys.owner2.id, 'key_not_found'],
        [w.keys.owner, 'team', 'team_nope', 'team_not_found'],
        [w.keys.owner, 'user', w.users.owner2.id, 'user_not_found'],
        [w.keys.owner, 'org', w.other.id, 'org_not_found'],
        [w.keys.owner2, 'team', w.teamA.id, 'team_not_found'],
        [w.keys.owner2, 'key', w.keys.serviceA.id, 'key_not_found'],
      ] as const) {
        const r = await create(key, scope, id);
        assert.equal(r.status, 404, `${scope} ${id}`);
        assert.deepEqual([r.json.error.param, r.json.error.code], ['scope_id', code]);
      }
    });

    test('bad budget input is a 400 naming the field, before anything is looked up', async () => {
      for (const [body, param] of [
        [{ scope: 'team', scope_id: w.teamA.id, period: 'daily', limit_usd: '-1' }, 'limit_usd'],
        [{ scope: 'galaxy', scope_id: w.teamA.id, period: 'daily', limit_usd: '1' }, 'scope'],
        [{ scope: 'team', scope_id: '', period: 'daily', limit_usd: '1' }, 'scope_id'],
        [{ scope: 'team', scope_id: w.teamA.id, period: 'daily', limit_usd: '1', team_id: 'x' }, 'team_id'],
      ] as const) {
        const r = await api<ErrorJson>(w, w.keys.adminA, '/api/budgets', { body });
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.equal(r.json.error.param, param);
      }
      assert.equal((await api<ErrorJson>(w, w.keys.memberA, '/api/alerts?limit=5000')).json.error.param, 'limit');
    });

    test('budget changes are recorded with the real actor, before and after', async () => {
      const b = await created(w.keys.adminA, 'team', w.teamA.id, '3.00');
      await api(w, w.keys.adminA, `/api/budgets/${b.id}`, { method: 'PATCH', body: { limit_usd: '4.00' } });
      await api(w, w.keys.adminA, `/api/budgets/${b.id}`, { method: 'DELETE' });
      const rows = await w.gw.tg.store.db.selectFrom('audit_events').selectAll().where('target', '=', b.id).orderBy('at').execute();
      assert.deepEqual(rows.map((r) => [r.actor, r.action, r.org_id]), [
        [w.users.adminA.id, 'budget.created', w.org.id],
        [w.users.adminA.id, 'budget.updated', w.org.id],
        [w.users.adminA.id, 'budget.deleted', w.org.id],
      ]);
      assert.equal(JSON.parse(rows[1]!.before!).limit_usd, '3.00');
      assert.equal(JSON.parse(rows[1]!.after!).limit_usd, '4.00');
      assert.ok(rows.every((r) => r.request_id?.startsWith('req_')));
    });

    test("alerts: only those of budgets the caller may read; unpriced-model alerts for org-wide readers", async () => {
      const bBudget = await created(w.keys.owner, 'team', w.teamB.id, '0');
      const blocked = await chat(w, w.keys.serviceB);
      assert.equal(blocked.status, 429);
      assert.equal((await chat(w, w.keys.serviceA, 'acme-unpriced-alert-model')).status, 200);
      await w.gw.tg.budgets.flush();
      await w.gw.tg.ledger.flush();
      const alerts = async (key: TestKey) => {
        const r = await api<{ data: { kind: string; budget_id?: string; subject?: string }[] }>(w, key, '/api/alerts');
        assert.equal(r.status, 200);
        return r.json.data;
      };
      const bAlert = (list: { budget_id?: string }[]) => list.some((a) => a.budget_id === bBudget.id);
      const unpricedAlert = (list: { kind: string; subject?: string }[]) => list.some((a) => a.kind === 'unpriced_model' && a.subject === 'acme-unpriced-alert-model');
      assert.ok(bAlert(await alerts(w.keys.memberB)));
      assert.ok(!bAlert(await alerts(w.keys.memberA)));
      assert.ok(!bAlert(await alerts(w.keys.adminA)));
      assert.ok(bAlert(await alerts(w.keys.auditor)));
      assert.ok(!unpricedAlert(await alerts(w.keys.memberA)), 'a team grant does not see deployment alerts');
      assert.ok(unpricedAlert(await alerts(w.keys.auditor)));
      assert.ok(unpricedAlert(await alerts(w.keys.owner)));
      const other = await alerts(w.keys.owner2);
      assert.ok(!bAlert(other) && !unpricedAlert(other), "another organization sees neither");
      const byId = await api<{ data: unknown[] }>(w, w.keys.memberA, `/api/alerts?budget_id=${bBudget.id}`);
      assert.deepEqual([byId.status, byId.json.data.length], [200, 0]);
      await remove(bBudget.id);
    });
  });
}
