import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { storeKinds, type TestStore } from '../../support/stores.ts';
import { api, buildWorld, chat, type TestKey, type World } from './world.ts';

interface AuditRow {
  id: string;
  object: string;
  at: string;
  actor: string;
  action: string;
  target: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  details: Record<string, unknown>;
  request_id: string | null;
  ip: string | null;
}
interface AuditPage {
  data: AuditRow[];
  has_more: boolean;
  next_after: string | null;
}

for (const kind of storeKinds()) {
  describe(`GET /api/audit (${kind.name})`, () => {
    let store: TestStore;
    let w: World;
    let teamABudget: string;
    let teamBBudget: string;
    let rotatedSecret: string;
    let newKey: { id: string; key: string };
    before(async () => {
      store = await kind.create();
      w = await buildWorld(store);
      const budget = async (key: TestKey, scope: string, scopeId: string) => {
        const r = await api<{ id: string }>(w, key, '/api/budgets', { body: { scope, scope_id: scopeId, period: 'monthly', limit_usd: '50.00' } });
        assert.equal(r.status, 201, JSON.stringify(r.json));
        return r.json.id;
      };
      // Before any budget applies: under a budget an unpriced model is refused (the organization does not allow them).
      assert.equal((await chat(w, w.keys.serviceA, 'acme-audit-unpriced')).status, 200);
      teamABudget = await budget(w.keys.adminA, 'team', w.teamA.id);
      teamBBudget = await budget(w.keys.owner, 'team', w.teamB.id);
      await api(w, w.keys.adminA, `/api/budgets/${teamABudget}`, { method: 'PATCH', body: { limit_usd: '60.00' } });
      const created = await api<{ id: string; key: string }>(w, w.keys.adminA, '/api/keys', { body: { name: 'ci', kind: 'service', team_id: w.teamA.id } });
      assert.equal(created.status, 201, JSON.stringify(created.json));
      newKey = created.json;
      const rotated = await api<{ key: string }>(w, w.keys.adminA, `/api/keys/${newKey.id}/rotate`, { method: 'POST', body: {} });
      assert.equal(rotated.status, 200, JSON.stringify(rotated.json));
      rotatedSecret = rotated.json.key;
      await w.gw.tg.ledger.flush();
      // The unpriced-model event is written off the request path.
      for (let i = 0; i < 50; i++) {
        const found = await w.gw.tg.store.db.selectFrom('audit_events').select('id').where('action', '=', 'price.unknown_model').executeTakeFirst();
        if (found) break;
        await new Promise((r) => setTimeout(r, 20));
      }
    });
    after(async () => {
      await w.close();
      await store.dispose();
    });

    const page = async (key: TestKey, query = '') => {
      const r = await api<AuditPage>(w, key, `/api/audit${query}`);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      return r.json;
    };
    const all = async (key: TestKey, query = '') => (await page(key, `?limit=500${query}`)).data;

    test('the owner reads change records newest first, with actor, before and after, request id and ip', async () => {
      const rows = await all(w.keys.owner);
      const times = rows.map((r) => Date.parse(r.at));
      assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');
      const update = rows.find((r) => r.action === 'budget.updated' && r.target === teamABudget)!;
      assert.equal(update.actor, w.users.adminA.id);
      assert.equal(update.before?.limit_usd, '50.00');
      assert.equal(update.after?.limit_usd, '60.00');
      assert.match(update.request_id ?? '', /^req_/);
      assert.ok(update.ip);
      assert.equal(update.object, 'audit_event');
      const team = rows.find((r) => r.action === 'team.created' && r.target === w.teamA.id)!;
      assert.equal(team.before, null);
      assert.equal(team.after?.name, 'Team A');
      assert.ok(rows.some((r) => r.action === 'key.rotated' && r.target === newKey.id));
      assert.ok(rows.some((r) => r.action === 'price.unknown_model' && r.target === 'acme-audit-unpriced'), "the deployment's own events belong to the home organization");
      assert.ok(!rows.some((r) => r.target === w.other.id || r.target === w.keys.owner2.id), 'nothing of another organization');
    });

    test('no record ever shows a secret: key secrets, hashes and the rotated secret stay out', async () => {
      const text = JSON.stringify(await all(w.keys.owner));
      for (const secret of [w.gw.adminKey, newKey.key, rotatedSecret, ...Object.values(w.keys).map((k) => k.secret)]) {
        assert.ok(!text.includes(secret), 'a key secret appears in the audit log');
      }
      const hashes = await w.gw.tg.store.db.selectFrom('api_keys').select(['hash', 'previous_hash']).execute();
      for (const h of hashes) {
        assert.ok(!text.includes(h.hash));
        if (h.previous_hash) assert.ok(!text.includes(h.previous_hash));
      }
    });

    test('an auditor reads the whole organization; another organization reads only its own', async () => {
      const auditor = await all(w.keys.auditor);
      assert.deepEqual(auditor.map((r) => r.id), (await all(w.keys.owner)).map((r) => r.id));
      const other = await all(w.keys.owner2);
      assert.ok(other.length > 0);
      assert.ok(other.some((r) => r.action === 'key.created' && r.target === w.keys.owner2.id));
      const homeIds = new Set(auditor.map((r) => r.id));
      assert.ok(other.every((r) => !homeIds.has(r.id)));
      assert.ok(!other.some((r) => r.action === 'price.unknown_model'));
    });

    test("team A's admin reads records about team A, its memberships, keys and budgets, and their own actions; never team B's", async () => {
      const rows = await all(w.keys.adminA);
      const targets = new Set(rows.map((r) => r.target));
      assert.ok(targets.has(w.teamA.id));
      assert.ok(targets.has(`${w.teamA.id}/${w.users.memberA.id}`));
      assert.ok(targets.has(w.keys.serviceA.id));
      assert.ok(targets.has(teamABudget));
      assert.ok(targets.has(newKey.id));
      for (const hidden of [w.teamB.id, `${w.teamB.id}/${w.users.memberB.id}`, w.keys.serviceB.id, teamBBudget, w.keys.memberB.id, 'acme-audit-unpriced']) {
        assert.ok(!targets.has(hidden), `team A's admin must not see ${hidden}`);
      }
    });

    test('members and viewers may not read the audit log', async () => {
      for (const key of [w.keys.memberA, w.keys.viewerA, w.keys.memberB]) {
        const r = await api<{ error: { code: string } }>(w, key, '/api/audit');
        assert.deepEqual([r.status, r.json.error.code], [403, 'permission_denied']);
      }
    });

    test('pages follow each other with `after`, without gaps or repeats; `before` cuts by time', async () => {
      const everything = await all(w.keys.owner);
      assert.ok(everything.length > 6);
      const seen: string[] = [];
      let query = '?limit=3';
      for (;;) {
        const p = await page(w.keys.owner, query);
        assert.ok(p.data.length <= 3);
        seen.push(...p.data.map((r) => r.id));
        if (!p.has_more) {
          assert.equal(p.next_after, null);
          break;
        }
        query = `?limit=3&after=${p.next_after}`;
      }
      assert.deepEqual(seen, everything.map((r) => r.id));
      const cut = everything[3]!.at;
      const older = await all(w.keys.owner, `&before=${encodeURIComponent(cut)}`);
      assert.ok(older.every((r) => r.at < cut));
      assert.deepEqual(older.map((r) => r.id), everything.filter((r) => r.at < cut).map((r) => r.id));
      assert.equal((await page(w.keys.owner)).data.length, Math.min(100, everything.length), 'the default limit is 100');
    });

    test('filters: exact action, action prefix, target, actor, time range', async () => {
      const budgets = await all(w.keys.owner, '&action=budget.*');
      assert.ok(budgets.length >= 3);
      assert.ok(budgets.every((r) => r.action.startsWith('budget.')));
      const created = await all(w.keys.owner, '&action=budget.created');
      assert.deepEqual(created.map((r) => r.target).sort(), [teamABudget, teamBBudget].sort());
      const target = await all(w.keys.owner, `&target=${teamABudget}`);
      assert.deepEqual(target.map((r) => r.action).reverse(), ['budget.created', 'budget.updated']);
      const byAdmin = await all(w.keys.owner, `&actor=${w.users.adminA.id}`);
      assert.ok(byAdmin.length >= 4 && byAdmin.every((r) => r.actor === w.users.adminA.id));
      const first = Date.parse(byAdmin.at(-1)!.at);
      const last = Date.parse(byAdmin[0]!.at);
      const ranged = await all(w.keys.owner, `&actor=${w.users.adminA.id}&from=${new Date(first).toISOString()}&to=${new Date(last + 1).toISOString()}`);
      assert.deepEqual(ranged.map((r) => r.id), byAdmin.map((r) => r.id));
      assert.deepEqual(await all(w.keys.owner, '&action=team_not.*'), []);
    });

    test('bad queries are a 400 naming the field', async () => {
      for (const [query, param] of [
        ['limit=0', 'limit'],
        ['limit=501', 'limit'],
        ['limit=many', 'limit'],
        ['after=aud_unknown', 'after'],
        ['before=yesterday', 'before'],
        ['after=x&before=2026-01-01T00:00:00Z', 'before'],
        ['from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
        ['to=soon', 'to'],
        ['action=not an action', 'action'],
        ['action=team.**', 'action'],
        ['target=', 'target'],
        ['colour=blue', 'colour'],
      ] as const) {
        const r = await api<{ error: { param: string; type: string } }>(w, w.keys.owner, `/api/audit?${query}`);
        assert.equal(r.status, 400, query);
        assert.deepEqual([r.json.error.param, r.json.error.type], [param, 'invalid_request_error'], query);
      }
      const foreignCursor = (await all(w.keys.owner2))[0]!.id;
      assert.equal((await api<{ error: { param: string } }>(w, w.keys.owner, `/api/audit?after=${foreignCursor}`)).json.error.param, 'after', "another organization's record is no cursor");
    });

    const exported = async (key: TestKey, query = '') => {
      const res = await w.gw.call(`/api/audit/export${query}`, { key: key.secret });
      const text = await res.text();
      return { status: res.status, type: res.headers.get('content-type'), text, rows: res.status === 200 ? text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditRow & { seq: number | null; hash: string | null }) : [] };
    };

    test('the JSON Lines export holds every record of the organization, oldest first, with the list filters', async () => {
      const e = await exported(w.keys.owner);
      assert.equal(e.status, 200, e.text);
      assert.match(e.type ?? '', /^application\/x-ndjson/);
      assert.ok(e.text.endsWith('\n'));
      const listed = await all(w.keys.owner);
      assert.deepEqual(e.rows.map((r) => r.id), listed.map((r) => r.id).reverse());
      const budgets = await exported(w.keys.owner, '?action=budget.*&format=jsonl');
      assert.deepEqual(budgets.rows.map((r) => r.id), (await all(w.keys.owner, '&action=budget.*')).map((r) => r.id).reverse());
      const byActor = await exported(w.keys.owner, `?actor=${w.users.adminA.id}&target=${teamABudget}`);
      assert.deepEqual(byActor.rows.map((r) => r.action), ['budget.created', 'budget.updated']);
      const { text: withSecrets } = e;
      for (const secret of [w.gw.adminKey, newKey.key, rotatedSecret, ...Object.values(w.keys).map((k) => k.secret)]) assert.ok(!withSecrets.includes(secret), 'a key secret appears in the export');
    });

    test('only owners and auditors export: a team admin, a member and a viewer get 403; another organization exports only its own', async () => {
      assert.deepEqual((await exported(w.keys.auditor)).rows.map((r) => r.id), (await exported(w.keys.owner)).rows.map((r) => r.id));
      for (const key of [w.keys.adminA, w.keys.memberA, w.keys.viewerA]) {
        const r = await exported(key);
        assert.equal(r.status, 403, r.text);
        assert.equal(JSON.parse(r.text).error.code, 'permission_denied');
      }
      const other = await exported(w.keys.owner2);
      const home = new Set((await exported(w.keys.owner)).rows.map((r) => r.id));
      assert.ok(other.rows.length > 0 && other.rows.every((r) => !home.has(r.id)));
    });

    test('bad export queries are a 400 naming the field', async () => {
      for (const [query, param] of [['format=csv', 'format'], ['limit=5', 'limit'], ['from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'], ['action=a b', 'action']] as const) {
        const r = await exported(w.keys.owner, `?${query}`);
        assert.equal(r.status, 400, query);
        assert.equal(JSON.parse(r.text).error.param, param, query);
      }
    });

    test('the running server links every record into the hash chain within seconds, and the chain verifies with its signing key', async () => {
      const db = w.gw.tg.store.db;
      for (let i = 0; i < 100; i++) {
        const pending = await db.selectFrom('audit_events').select('id').where('seq', 'is', null).executeTakeFirst();
        if (!pending) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const rows = (await exported(w.keys.owner)).rows;
      assert.ok(rows.every((r) => Number.isInteger(r.seq) && /^[0-9a-f]{64}$/.test(r.hash ?? '')), 'every exported record carries its chain position and hash');
      const { loadSigningKey, verifyAuditChain, linkPending } = await import('../../../src/compliance/audit/index.ts');
      const key = loadSigningKey({ dataDir: store.dataDir })!;
      await linkPending(w.gw.tg.store, { signer: key, forceCheckpoint: true });
      const report = await verifyAuditChain(w.gw.tg.store, { publicKeys: new Map([[key.keyId, key.publicKey]]) });
      assert.equal(report.ok, true, JSON.stringify(report.problems));
      assert.ok(report.records >= rows.length && report.checkpoints.verified >= 1);
    });
  });
}
