import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ChangeContext } from '../../src/access/change-record.ts';
import { PLAINTEXT } from '../../src/compliance/index.ts';
import { deploymentSchema } from '../../src/upstream/deployment.ts';
import { DeploymentStore } from '../../src/upstream/deployment-store.ts';
import { createSimulator, type Simulator } from '../../src/upstream/simulator/index.ts';
import { newMasterKeyText, storeBytes } from '../compliance/support.ts';
import { expectError } from '../support/errors.ts';
import { startGateway, UPSTREAM_KEY, type TestGateway } from '../support/gateway.ts';
import { createPostgresStore, createSqliteStore, type TestStore } from '../support/stores.ts';

// Deployments written through /api/deployments (issue 11 point 1): a key given inline is sealed
// under the home organization's data key, routes requests at once, survives a restart, and is in
// no answer, log line, audit record or plaintext database page. Simulator a is tollgate.yaml's
// deployment (gpt-4o-mini); simulator b, demanding its own key, is added through the API.

const INLINE_KEY = 'sk-inline-deployment-key-0123456789SECRET';
const hello = (model: string) => ({ model, messages: [{ role: 'user', content: 'hello there' }] });
const chatCalls = (sim: Simulator) => sim.requests.filter((r) => r.path === '/v1/chat/completions');

type Item = { id: string; source: string; api_key: string | null; api_key_ref: string | null; models: string[]; weight: number; base_url: string };

describe('deployments written through the API', () => {
  let store: TestStore;
  let a: Simulator;
  let b: Simulator;
  let gw: TestGateway;
  const answers: string[] = [];

  const start = (env: Record<string, string> = {}) =>
    startGateway({
      store,
      env: {
        SIM_KEY: UPSTREAM_KEY,
        TOLLGATE_DEPLOYMENTS: JSON.stringify([{ id: 'sim-a', provider: 'openai-compatible', base_url: `${a.url}/v1`, api_key: { env: 'SIM_KEY' }, models: ['gpt-4o-mini'] }]),
        // The simulators listen on 127.0.0.1: a loopback base URL is allowed only with this on.
        TOLLGATE_OUTBOUND_ALLOW_PRIVATE: 'on',
        ...env,
      },
    });
  /** Calls the gateway and keeps every answer's text, to look for the key in them at the end. */
  const call = async (g: TestGateway, path: string, init: Parameters<TestGateway['call']>[1] = {}) => {
    const res = await g.call(path, init);
    answers.push(await res.clone().text());
    return res;
  };
  const addB = (over: Record<string, unknown> = {}) =>
    call(gw, '/api/deployments', { body: { id: 'sim-b', provider: 'openai-compatible', base_url: `${b.url}/v1`, api_key: INLINE_KEY, models: ['gpt-4o'], ...over } });

  before(async () => {
    store = await createSqliteStore();
    a = createSimulator({ apiKey: UPSTREAM_KEY });
    b = createSimulator({ apiKey: INLINE_KEY });
    await a.listen(0, '127.0.0.1');
    await b.listen(0, '127.0.0.1');
    gw = await start();
  });
  after(async () => {
    await gw.close();
    await Promise.all([a.close(), b.close()]);
    await store.dispose();
  });

  test('an owner adds a deployment with an inline key: its model is served by it, with that key', async () => {
    const res = await addB();
    assert.equal(res.status, 201, await res.clone().text());
    const item = (await res.json()) as Item;
    assert.equal(item.id, 'sim-b');
    assert.equal(item.source, 'api');
    assert.equal(item.api_key, 'inline');
    assert.equal(item.api_key_ref, null);

    const before = chatCalls(b).length;
    const served = await call(gw, '/v1/chat/completions', { body: hello('gpt-4o') });
    assert.equal(served.status, 200, await served.clone().text());
    const got = chatCalls(b);
    assert.equal(got.length, before + 1, 'simulator b answered');
    assert.equal(got.at(-1)!.headers['authorization'], `Bearer ${INLINE_KEY}`);
    assert.equal(chatCalls(a).filter((r) => JSON.stringify(r.body).includes('gpt-4o"')).length, 0, 'simulator a never saw gpt-4o');

    // tollgate.yaml's deployment still serves its model.
    assert.equal((await call(gw, '/v1/chat/completions', { body: hello('gpt-4o-mini') })).status, 200);
  });

  test('GET lists both, where each comes from and how its key is given, never the key', async () => {
    const list = (await (await call(gw, '/api/deployments')).json()) as { data: Item[] };
    assert.deepEqual(list.data.map((d) => [d.id, d.source, d.api_key]), [['sim-a', 'config', 'env'], ['sim-b', 'api', 'inline']]);
  });

  test('PATCH changes weight and models: the new model is served by it', async () => {
    const res = await call(gw, '/api/deployments/sim-b', { method: 'PATCH', body: { weight: 5, models: ['gpt-4o', 'gpt-4.1-mini'] } });
    assert.equal(res.status, 200, await res.clone().text());
    const item = (await res.json()) as Item;
    assert.equal(item.weight, 5);
    assert.deepEqual(item.models, ['gpt-4o', 'gpt-4.1-mini']);
    assert.equal(item.api_key, 'inline', 'the key is kept when the body does not name it');
    assert.equal(item.base_url, `${b.url}/v1`, 'fields not sent are kept');
    const before = chatCalls(b).length;
    assert.equal((await call(gw, '/v1/chat/completions', { body: hello('gpt-4.1-mini') })).status, 200);
    assert.equal(chatCalls(b).length, before + 1);
    assert.equal(chatCalls(b).at(-1)!.headers['authorization'], `Bearer ${INLINE_KEY}`);
  });

  test('bad inputs are refused with 400 naming the field; a tollgate.yaml id cannot be changed', async () => {
    const body = { id: 'sim-c', provider: 'openai-compatible', base_url: `${b.url}/v1`, models: ['gpt-4o'] };
    const { base_url: _drop, ...noUrl } = body;
    await expectError(call(gw, '/api/deployments', { body: noUrl }), 400, 'invalid_parameter', 'base_url');
    await expectError(call(gw, '/api/deployments', { body: { ...body, base_url: 'ftp://files.example.com/v1' } }), 400, 'invalid_parameter', 'base_url');
    await expectError(call(gw, '/api/deployments', { body: { ...body, base_url: `http://user:pass@127.0.0.1:${new URL(b.url).port}/v1` } }), 400, 'invalid_parameter', 'base_url');
    // Link-local (cloud metadata) is refused even with private destinations allowed.
    const meta = await expectError(call(gw, '/api/deployments', { body: { ...body, base_url: 'http://169.254.169.254/v1' } }), 400, 'invalid_parameter', 'base_url');
    assert.match(meta.error.message, /link-local/);
    await expectError(call(gw, '/api/deployments', { body: { ...body, colour: 'blue' } }), 400, 'invalid_parameter', 'colour');
    await expectError(call(gw, '/api/deployments', { body: { ...body, provider: 'anthropic' } }), 400, 'invalid_parameter', 'provider');
    await expectError(call(gw, '/api/deployments', { body: { ...body, weight: -1 } }), 400, 'invalid_parameter', 'weight');
    // A reference would let the caller send any variable or file of the server to a URL it chooses.
    await expectError(call(gw, '/api/deployments', { body: { ...body, api_key: { env: 'TOLLGATE_ADMIN_KEY' } } }), 400, 'invalid_parameter', 'api_key');
    await expectError(call(gw, '/api/deployments', { body: { ...body, api_key: { file: '/etc/passwd' } } }), 400, 'invalid_parameter', 'api_key');
    // tollgate.yaml wins.
    await expectError(call(gw, '/api/deployments', { body: { ...body, id: 'sim-a' } }), 409, 'deployment_in_config', 'id');
    await expectError(call(gw, '/api/deployments/sim-a', { method: 'PATCH', body: { weight: 3 } }), 409, 'deployment_in_config', 'id');
    await expectError(call(gw, '/api/deployments/sim-a', { method: 'DELETE' }), 409, 'deployment_in_config', 'id');
    await expectError(addB(), 409, 'deployment_exists', 'id');
    await expectError(call(gw, '/api/deployments/sim-b', { method: 'PATCH', body: { base_url: 'http://169.254.169.254/v1' } }), 400, 'invalid_parameter', 'base_url');
    await expectError(call(gw, '/api/deployments/sim-b', { method: 'PATCH', body: { id: 'other' } }), 400, 'invalid_parameter', 'id');
    // The stored key is never sent to a new origin: pointing sim-b at another server needs the key again.
    await expectError(call(gw, '/api/deployments/sim-b', { method: 'PATCH', body: { base_url: `${a.url}/v1` } }), 400, 'invalid_parameter', 'api_key');
    await expectError(call(gw, '/api/deployments/nope', { method: 'PATCH', body: { weight: 1 } }), 404, 'deployment_not_found');
    const list = (await (await call(gw, '/api/deployments')).json()) as { data: Item[] };
    assert.deepEqual(list.data.map((d) => d.id), ['sim-a', 'sim-b'], 'nothing refused was stored');
  });

  test('a member of the home organization and the owner of another organization cannot write deployments', async () => {
    const { directory, keys, home } = gw.tg;
    const ctx: ChangeContext = { actorId: 'system', orgId: home.org.id };
    const member = await directory.createUser({ orgId: home.org.id, email: 'dep-member@example.com', name: 'Member', orgRole: 'member' }, ctx);
    const memberKey = (await keys.create({ name: 'member', orgId: home.org.id, userId: member.id, teamId: null }, ctx)).secret;
    const other = await directory.createOrg('Other Corp', ctx);
    const otherCtx: ChangeContext = { actorId: 'system', orgId: other.id };
    const boss = await directory.createUser({ orgId: other.id, email: 'boss@other.example', name: 'Boss', orgRole: 'owner' }, otherCtx);
    const bossKey = (await keys.create({ name: 'boss', orgId: other.id, userId: boss.id, teamId: null }, otherCtx)).secret;
    for (const key of [memberKey, bossKey]) {
      await expectError(call(gw, '/api/deployments', { key, body: { id: 'evil', provider: 'openai', base_url: 'https://evil.example/v1', api_key: 'sk-x', models: ['*'] } }), 403);
      await expectError(call(gw, '/api/deployments/sim-b', { key, method: 'PATCH', body: { base_url: 'https://evil.example/v1' } }), 403);
      await expectError(call(gw, '/api/deployments/sim-b', { key, method: 'DELETE' }), 403);
      await expectError(call(gw, '/api/deployments', { key }), 403);
    }
    const list = (await (await call(gw, '/api/deployments')).json()) as { data: Item[] };
    assert.deepEqual(list.data.map((d) => [d.id, d.base_url]), [['sim-a', `${a.url}/v1`], ['sim-b', `${b.url}/v1`]]);
  });

  test('every change has an audit record with its settings before and after, without the key', async () => {
    const rows = await gw.tg.store.db.selectFrom('audit_events').selectAll().where('action', 'like', 'deployment.%').orderBy('at').execute();
    assert.deepEqual(rows.map((r) => [r.action, r.target]), [['deployment.created', 'sim-b'], ['deployment.updated', 'sim-b']]);
    const updated = rows[1]!;
    assert.equal((JSON.parse(updated.before!) as { weight: number }).weight, 1);
    assert.equal((JSON.parse(updated.after!) as { weight: number; api_key_inline: boolean }).weight, 5);
    assert.equal((JSON.parse(updated.after!) as { api_key_inline: boolean }).api_key_inline, true);
    for (const r of rows) assert.ok(!JSON.stringify(r).includes(INLINE_KEY), `the key is in the audit record ${r.action}`);
  });

  test('the key is sealed in the database: not in the SQLite file in plaintext', async () => {
    const row = await gw.tg.store.db.selectFrom('upstream_deployments').select('api_key').where('id', '=', 'sim-b').executeTakeFirstOrThrow();
    assert.match(row.api_key!, /^tge1\./);
    assert.ok(!(await storeBytes(store)).includes(INLINE_KEY), 'the key is in the database file');
  });

  test('a restart keeps the deployment: the sealed key opens again and still reaches simulator b', async () => {
    await gw.close();
    gw = await start();
    const list = (await (await call(gw, '/api/deployments')).json()) as { data: Item[] };
    assert.deepEqual(list.data.map((d) => [d.id, d.source, d.weight]), [['sim-a', 'config', 1], ['sim-b', 'api', 5]]);
    const before = chatCalls(b).length;
    assert.equal((await call(gw, '/v1/chat/completions', { body: hello('gpt-4o') })).status, 200);
    assert.equal(chatCalls(b).length, before + 1);
    assert.equal(chatCalls(b).at(-1)!.headers['authorization'], `Bearer ${INLINE_KEY}`);
  });

  test('PATCH api_key: null sends no key; a new inline key is sealed and used', async () => {
    const off = (await (await call(gw, '/api/deployments/sim-b', { method: 'PATCH', body: { api_key: null } })).json()) as Item;
    assert.equal(off.api_key, null);
    const before = chatCalls(b).length;
    await call(gw, '/v1/chat/completions', { body: hello('gpt-4o') });
    assert.ok(chatCalls(b).length > before);
    assert.equal(chatCalls(b).at(-1)!.headers['authorization'], undefined, 'no key sent');
    const on = (await (await call(gw, '/api/deployments/sim-b', { method: 'PATCH', body: { api_key: INLINE_KEY } })).json()) as Item;
    assert.equal(on.api_key, 'inline');
    assert.equal((await call(gw, '/v1/chat/completions', { body: hello('gpt-4o') })).status, 200);
    assert.equal(chatCalls(b).at(-1)!.headers['authorization'], `Bearer ${INLINE_KEY}`);
    const audits = await gw.tg.store.db.selectFrom('audit_events').select(['after', 'details']).where('action', '=', 'deployment.updated').orderBy('at', 'desc').limit(2).execute();
    assert.deepEqual(audits.map((r) => [(JSON.parse(r.after!) as { api_key_inline: boolean }).api_key_inline, (JSON.parse(r.details) as { key_changed: boolean }).key_changed]), [[true, true], [false, false]]);
  });

  test('DELETE removes it: its models are no longer served and nothing more reaches it, after a restart too', async () => {
    const res = await call(gw, '/api/deployments/sim-b', { method: 'DELETE' });
    assert.equal(res.status, 200, await res.clone().text());
    const before = chatCalls(b).length;
    await expectError(call(gw, '/v1/chat/completions', { body: hello('gpt-4o') }), 404, 'model_not_found');
    assert.equal(chatCalls(b).length, before);
    await expectError(call(gw, '/api/deployments/sim-b', { method: 'DELETE' }), 404, 'deployment_not_found');
    await gw.close();
    gw = await start();
    const list = (await (await call(gw, '/api/deployments')).json()) as { data: Item[] };
    assert.deepEqual(list.data.map((d) => d.id), ['sim-a']);
    const rows = await gw.tg.store.db.selectFrom('audit_events').select('action').where('action', '=', 'deployment.deleted').execute();
    assert.equal(rows.length, 1);
  });

  test('the key was in no answer and no log line', () => {
    assert.ok(answers.length > 20);
    for (const text of answers) assert.ok(!text.includes(INLINE_KEY), `the key is in an answer: ${text.slice(0, 200)}`);
    assert.ok(!gw.logs.join('').includes(INLINE_KEY), 'the key is in the log');
  });
});

describe('deployments written through the API: outbound policy without allow_private', () => {
  let gw: TestGateway;
  let a: Simulator;
  before(async () => {
    a = createSimulator({ apiKey: UPSTREAM_KEY });
    await a.listen(0, '127.0.0.1');
    gw = await startGateway({
      env: { SIM_KEY: UPSTREAM_KEY, TOLLGATE_DEPLOYMENTS: JSON.stringify([{ id: 'sim-a', provider: 'openai-compatible', base_url: `${a.url}/v1`, api_key: { env: 'SIM_KEY' }, models: ['gpt-4o-mini'] }]) },
    });
  });
  after(async () => {
    await gw.close();
    await a.close();
  });

  test('loopback, private and plain-http addresses are refused, naming base_url', async () => {
    const body = { id: 'inside', provider: 'openai-compatible', api_key: INLINE_KEY, models: ['gpt-4o'] };
    for (const base_url of [`${a.url}/v1`, 'http://localhost:8000/v1', 'https://10.1.2.3/v1', 'https://[::1]:8443/v1', 'https://169.254.169.254/v1']) {
      const err = await expectError(gw.call('/api/deployments', { body: { ...body, base_url } }), 400, 'invalid_parameter', 'base_url');
      assert.ok(!err.error.message.includes(INLINE_KEY));
    }
    const list = (await (await gw.call('/api/deployments')).json()) as { data: Item[] };
    assert.deepEqual(list.data.map((d) => d.id), ['sim-a']);
  });
});

test('a Tollgate running one upstream refuses API deployments with a clear 409 (nothing would route to them)', async () => {
  const gw = await startGateway({ env: { TOLLGATE_OUTBOUND_ALLOW_PRIVATE: 'on' } });
  try {
    await expectError(gw.call('/api/deployments', { body: { id: 'sim-b', provider: 'openai', base_url: `${gw.sim.url}/v1`, api_key: INLINE_KEY, models: ['gpt-4o'] } }), 409, 'deployments_not_routed');
    assert.deepEqual(((await (await gw.call('/api/deployments')).json()) as { data: unknown[] }).data, []);
    assert.equal(await gw.tg.store.db.selectFrom('upstream_deployments').select('id').executeTakeFirst(), undefined);
  } finally {
    await gw.close();
  }
});

const pgUrl = process.env.TOLLGATE_TEST_DATABASE_URL;

test('encryption at rest off (PostgreSQL without a master key): an inline key is refused, a keyless deployment is not', { skip: pgUrl ? false : 'needs TOLLGATE_TEST_DATABASE_URL' }, async () => {
  const store = await createPostgresStore(pgUrl!);
  const a = createSimulator({ apiKey: UPSTREAM_KEY });
  await a.listen(0, '127.0.0.1');
  const env = {
    SIM_KEY: UPSTREAM_KEY,
    TOLLGATE_OUTBOUND_ALLOW_PRIVATE: 'on',
    TOLLGATE_DEPLOYMENTS: JSON.stringify([{ id: 'sim-a', provider: 'openai-compatible', base_url: `${a.url}/v1`, api_key: { env: 'SIM_KEY' }, models: ['gpt-4o-mini'] }]),
  };
  const gw = await startGateway({ store, env });
  try {
    const body = { id: 'local', provider: 'openai-compatible', base_url: `${a.url}/v1`, models: ['gpt-4o'] };
    await expectError(gw.call('/api/deployments', { body: { ...body, api_key: INLINE_KEY } }), 400, 'inline_key_needs_encryption', 'api_key');
    assert.equal((await gw.call('/api/deployments', { body })).status, 201);
    assert.ok(!(await storeBytes(store)).includes(INLINE_KEY));
    assert.equal((await store.store.db.selectFrom('upstream_deployments').select('api_key').executeTakeFirstOrThrow()).api_key, null);
  } finally {
    await gw.close();
    await a.close();
    await store.dispose();
  }
});

test('two instances on one PostgreSQL: a deployment written through one routes on the other within a second, and its removal too', { skip: pgUrl ? false : 'needs TOLLGATE_TEST_DATABASE_URL' }, async () => {
  const store = await createPostgresStore(pgUrl!);
  const a = createSimulator({ apiKey: UPSTREAM_KEY });
  const b = createSimulator({ apiKey: INLINE_KEY });
  await a.listen(0, '127.0.0.1');
  await b.listen(0, '127.0.0.1');
  const env = {
    SIM_KEY: UPSTREAM_KEY,
    TOLLGATE_MASTER_KEY: newMasterKeyText(),
    TOLLGATE_OUTBOUND_ALLOW_PRIVATE: 'on',
    TOLLGATE_DEPLOYMENTS: JSON.stringify([{ id: 'sim-a', provider: 'openai-compatible', base_url: `${a.url}/v1`, api_key: { env: 'SIM_KEY' }, models: ['gpt-4o-mini'] }]),
  };
  const running: TestGateway[] = [];
  /** Asks `gw` for gpt-4o until it answers `status`, for at most a second. */
  const within = async (gw: TestGateway, status: number) => {
    const started = performance.now();
    let last = 0;
    while (performance.now() - started < 1_000) {
      last = (await gw.call('/v1/chat/completions', { body: hello('gpt-4o') })).status;
      if (last === status) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.fail(`expected ${status} within a second, last ${last}`);
  };
  try {
    const one = await startGateway({ store, env });
    running.push(one);
    const two = await startGateway({ store, env });
    running.push(two);
    await expectError(two.call('/v1/chat/completions', { body: hello('gpt-4o') }), 404, 'model_not_found');
    const res = await one.call('/api/deployments', { body: { id: 'sim-b', provider: 'openai-compatible', base_url: `${b.url}/v1`, api_key: INLINE_KEY, models: ['gpt-4o'] } });
    assert.equal(res.status, 201, await res.clone().text());
    await within(two, 200);
    const sealed = await store.store.db.selectFrom('upstream_deployments').select('api_key').executeTakeFirstOrThrow();
    assert.match(sealed.api_key!, /^tge1\./, 'sealed on PostgreSQL too');
    assert.equal(chatCalls(b).at(-1)!.headers['authorization'], `Bearer ${INLINE_KEY}`);
    assert.equal((await one.call('/api/deployments/sim-b', { method: 'DELETE' })).status, 200);
    await within(two, 404);
    for (const gw of running) assert.ok(!gw.logs.join('').includes(INLINE_KEY));
    const rows = await store.store.db.selectFrom('audit_events').selectAll().where('action', 'like', 'deployment.%').execute();
    assert.equal(rows.length, 2);
    assert.ok(!JSON.stringify(rows).includes(INLINE_KEY));
  } finally {
    await Promise.all(running.map((g) => g.close()));
    await Promise.all([a.close(), b.close()]);
    await store.dispose();
  }
});

test('ten concurrent creates of one id: one 201, the others 409 deployment_exists, one row and one audit record (on PostgreSQL when set)', async () => {
  const a = createSimulator({ apiKey: UPSTREAM_KEY });
  await a.listen(0, '127.0.0.1');
  const store = pgUrl ? await createPostgresStore(pgUrl) : undefined;
  const gw = await startGateway({
    ...(store ? { store } : {}),
    env: {
      ...(store ? { TOLLGATE_MASTER_KEY: newMasterKeyText() } : {}),
      SIM_KEY: UPSTREAM_KEY,
      TOLLGATE_OUTBOUND_ALLOW_PRIVATE: 'on',
      TOLLGATE_DEPLOYMENTS: JSON.stringify([{ id: 'sim-a', provider: 'openai-compatible', base_url: `${a.url}/v1`, api_key: { env: 'SIM_KEY' }, models: ['gpt-4o-mini'] }]),
    },
  });
  try {
    const body = { id: 'twin', provider: 'openai-compatible', base_url: `${a.url}/v1`, api_key: INLINE_KEY, models: ['gpt-4o'] };
    const answers = await Promise.all(Array.from({ length: 10 }, () => gw.call('/api/deployments', { body })));
    const statuses = answers.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, ...Array<number>(9).fill(409)]);
    assert.equal((await gw.tg.store.db.selectFrom('upstream_deployments').selectAll().execute()).length, 1);
    assert.equal((await gw.tg.store.db.selectFrom('audit_events').select('id').where('action', '=', 'deployment.created').execute()).length, 1);
  } finally {
    await gw.close();
    await a.close();
    await store?.dispose();
  }
});

test('a stored deployment that names a loopback address (written around the API) is refused at connect time without allow_private', async () => {
  const a = createSimulator({ apiKey: UPSTREAM_KEY });
  const inside = createSimulator();
  await a.listen(0, '127.0.0.1');
  await inside.listen(0, '127.0.0.1');
  const gw = await startGateway({
    env: {
      SIM_KEY: UPSTREAM_KEY,
      TOLLGATE_RETRY_BASE_DELAY_MS: '10',
      TOLLGATE_RETRY_MAX_DELAY_MS: '20',
      TOLLGATE_DEPLOYMENTS: JSON.stringify([{ id: 'sim-a', provider: 'openai-compatible', base_url: `${a.url}/v1`, api_key: { env: 'SIM_KEY' }, models: ['gpt-4o-mini'] }]),
    },
  });
  try {
    const ctx: ChangeContext = { actorId: 'system', orgId: gw.tg.home.org.id };
    const settings = deploymentSchema.parse({ id: 'inside', provider: 'openai-compatible', base_url: `${inside.url}/v1`, models: ['gpt-4o'] });
    assert.ok(await new DeploymentStore(gw.tg.store, PLAINTEXT, gw.tg.home.org.id).create(settings, undefined, ctx, Date.now()));
    // The change feed brings it to the router.
    const started = performance.now();
    let ids: string[] = [];
    while (performance.now() - started < 2_000 && !ids.includes('inside')) {
      ids = ((await (await gw.call('/api/deployments')).json()) as { data: Item[] }).data.map((d) => d.id);
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.ok(ids.includes('inside'), 'the stored deployment reached the router');
    const res = await gw.call('/v1/chat/completions', { body: hello('gpt-4o') });
    assert.ok(res.status >= 500, `refused, not served: ${res.status}`);
    assert.equal(chatCalls(inside).length, 0, 'no request reached the loopback address');
  } finally {
    await gw.close();
    await Promise.all([a.close(), inside.close()]);
  }
});
