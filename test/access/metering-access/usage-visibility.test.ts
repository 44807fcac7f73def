import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { storeKinds, type TestStore } from '../../support/stores.ts';
import { api, buildWorld, chat, nanos, type TestKey, type World } from './world.ts';

interface UsageRow {
  request_id: string;
  key_id: string | null;
  org_id: string | null;
  team_id: string | null;
  user_id: string | null;
  cost_usd: string | null;
  prompt_tokens: number;
}
interface UsageList {
  data: UsageRow[];
  totals: { requests: number; prompt_tokens: number; cost_usd: string; unpriced_requests: number };
}

for (const kind of storeKinds()) {
  describe(`usage is filtered by what the caller may read (${kind.name})`, () => {
    let store: TestStore;
    let w: World;
    /** request id → key that made it */
    const made = new Map<string, string>();
    before(async () => {
      store = await kind.create();
      w = await buildWorld(store);
      const spenders: TestKey[] = [w.keys.owner, w.keys.adminA, w.keys.memberA, w.keys.memberAPersonal, w.keys.memberB, w.keys.serviceA, w.keys.serviceB, w.keys.owner2];
      for (const k of spenders) {
        const r = await chat(w, k);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        made.set(r.requestId, k.id);
      }
      const unpriced = await chat(w, w.keys.serviceB, 'acme-team-b-model');
      assert.equal(unpriced.status, 200);
      made.set(unpriced.requestId, w.keys.serviceB.id);
    });
    after(async () => {
      await w.close();
      await store.dispose();
    });

    const usage = async (key: TestKey, query = '') => {
      const r = await api<UsageList>(w, key, `/api/usage?limit=10000${query}`);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      return r.json;
    };
    const idsOf = (keys: TestKey[]) => [...made].filter(([, k]) => keys.some((x) => x.id === k)).map(([id]) => id).sort();
    const requestIds = (l: UsageList) => l.data.map((r) => r.request_id).sort();
    const assertTotalsMatchRows = (l: UsageList) => {
      assert.equal(l.totals.requests, l.data.length);
      assert.equal(l.totals.prompt_tokens, l.data.reduce((s, r) => s + r.prompt_tokens, 0));
      assert.equal(nanos(l.totals.cost_usd), l.data.reduce((s, r) => s + (r.cost_usd ? nanos(r.cost_usd) : 0), 0));
    };

    test("rows carry the key's organization, team and user", async () => {
      const { data } = await usage(w.keys.owner);
      const row = data.find((r) => r.key_id === w.keys.memberA.id)!;
      assert.deepEqual([row.org_id, row.team_id, row.user_id], [w.org.id, w.teamA.id, w.users.memberA.id]);
      const service = data.find((r) => r.key_id === w.keys.serviceB.id)!;
      assert.deepEqual([service.team_id, service.user_id], [w.teamB.id, null]);
    });

    test("a member of team A sees team A's rows and their own personal rows, never team B's; totals are over those rows", async () => {
      const l = await usage(w.keys.memberA);
      assert.deepEqual(requestIds(l), idsOf([w.keys.adminA, w.keys.memberA, w.keys.memberAPersonal, w.keys.serviceA]));
      assert.ok(!l.data.some((r) => r.team_id === w.teamB.id));
      assertTotalsMatchRows(l);
      assert.equal(l.totals.unpriced_requests, 0, "team B's unpriced request is not counted");
      const asB = await usage(w.keys.memberA, `&team_id=${w.teamB.id}`);
      assert.deepEqual([asB.data.length, asB.totals.requests, asB.totals.cost_usd], [0, 0, '0.00'], 'asking for team B gives nothing');
      const byUser = await usage(w.keys.memberA, `&user_id=${w.users.memberA.id}`);
      assert.deepEqual(requestIds(byUser), idsOf([w.keys.memberA, w.keys.memberAPersonal]));
      assert.deepEqual(requestIds(await usage(w.keys.memberA, `&team_id=${w.teamA.id}`)), idsOf([w.keys.adminA, w.keys.memberA, w.keys.serviceA]));
    });

    test("a member of team B does not see team A's rows nor memberA's personal rows", async () => {
      const l = await usage(w.keys.memberB);
      assert.deepEqual(requestIds(l), idsOf([w.keys.memberB, w.keys.serviceB]));
      assertTotalsMatchRows(l);
      assert.equal(l.totals.unpriced_requests, 1);
    });

    test("one row: 403 for a row of another team, 404 for another organization's row or an unknown id", async () => {
      const [bRow] = idsOf([w.keys.serviceB]);
      const [aRow] = idsOf([w.keys.serviceA]);
      const [otherRow] = idsOf([w.keys.owner2]);
      assert.equal((await api(w, w.keys.memberA, `/api/usage/${aRow}`)).status, 200);
      const denied = await api<{ error: { code: string; type: string } }>(w, w.keys.memberA, `/api/usage/${bRow}`);
      assert.equal(denied.status, 403);
      assert.deepEqual([denied.json.error.code, denied.json.error.type], ['permission_denied', 'permission_error']);
      const elsewhere = await api<{ error: { code: string; param: string } }>(w, w.keys.owner, `/api/usage/${otherRow}`);
      assert.equal(elsewhere.status, 404);
      assert.deepEqual([elsewhere.json.error.code, elsewhere.json.error.param], ['usage_not_found', 'id']);
      const unknown = await api<{ error: { code: string } }>(w, w.keys.owner, '/api/usage/req_does_not_exist');
      assert.deepEqual([unknown.status, unknown.json.error.code], [404, 'usage_not_found']);
      const ownPersonal = idsOf([w.keys.memberAPersonal])[0];
      assert.equal((await api(w, w.keys.memberB, `/api/usage/${ownPersonal}`)).status, 403, "memberA's personal row is memberA's");
    });

    test('a viewer of team A reads team A usage; an auditor and the owner read the whole organization, never another one', async () => {
      const viewer = await usage(w.keys.viewerA);
      assert.deepEqual(requestIds(viewer), idsOf([w.keys.adminA, w.keys.memberA, w.keys.serviceA]));
      const home = idsOf([w.keys.owner, w.keys.adminA, w.keys.memberA, w.keys.memberAPersonal, w.keys.memberB, w.keys.serviceA, w.keys.serviceB]);
      for (const key of [w.keys.auditor, w.keys.owner]) {
        const l = await usage(key);
        assert.deepEqual(requestIds(l), home);
        assertTotalsMatchRows(l);
      }
      const other = await usage(w.keys.owner2);
      assert.deepEqual(requestIds(other), idsOf([w.keys.owner2]));
    });

    test('the unpriced-model report holds only the usage of keys the caller may read', async () => {
      const report = async (key: TestKey) => (await api<{ data: { model: string; requests: number }[] }>(w, key, '/api/usage/unpriced')).json.data.map((m) => m.model);
      assert.deepEqual(await report(w.keys.memberB), ['acme-team-b-model']);
      assert.deepEqual(await report(w.keys.auditor), ['acme-team-b-model']);
      assert.deepEqual(await report(w.keys.memberA), []);
      assert.deepEqual(await report(w.keys.owner2), []);
    });

    test('bad usage queries are refused with 400 naming the field', async () => {
      for (const [query, param] of [
        ['team_id=', 'team_id'],
        ['user_id=', 'user_id'],
        ['limit=0', 'limit'],
        ['from=yesterday', 'from'],
        ['from=2026-02-01&to=2026-01-01', 'from'],
        ['colour=blue', 'colour'],
      ] as const) {
        const r = await api<{ error: { param: string; type: string } }>(w, w.keys.memberA, `/api/usage?${query}`);
        assert.equal(r.status, 400, query);
        assert.equal(r.json.error.param, param, query);
      }
    });
  });
}
