import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createSimulator, type Simulator } from '../../src/upstream/simulator/index.ts';
import { expectError } from '../support/errors.ts';
import { startGateway, UPSTREAM_KEY, type TestGateway } from '../support/gateway.ts';

// Issue 13.5, data classification: a policy binds sensitivity labels to where data may go. Two
// simulators are two deployments: `plain` (preferred, no attributes) and `zdr` (a backup marked
// zero-retention, in the EU). Which one a request reaches is read from each simulator's log.

const CARD = '4111 1111 1111 1111';
const LABEL = 'x-tollgate-classification';
const STATUS = 'x-tollgate-cache-status';

interface CreatedKey {
  id: string;
  key: string;
  org_id: string;
}

const chatCalls = (sim: Simulator) => sim.requests.filter((r) => r.path === '/v1/chat/completions').length;
const ask = (content: string, over: Record<string, unknown> = {}) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], ...over });

describe('classification binding: labels decide which deployments and whether the cache may see a request', () => {
  let gw: TestGateway;
  let plain: Simulator;
  let zdr: Simulator;
  let k: CreatedKey;
  let strict: CreatedKey;

  before(async () => {
    plain = createSimulator({ apiKey: UPSTREAM_KEY });
    zdr = createSimulator({ apiKey: UPSTREAM_KEY });
    await plain.listen(0, '127.0.0.1');
    await zdr.listen(0, '127.0.0.1');
    const dep = (id: string, sim: Simulator, over: Record<string, unknown>) => ({ id, provider: 'openai-compatible', base_url: `${sim.url}/v1`, api_key: { env: 'SIM_KEY' }, models: ['*'], ...over });
    gw = await startGateway({
      env: {
        SIM_KEY: UPSTREAM_KEY,
        TOLLGATE_DEPLOYMENTS: JSON.stringify([dep('plain', plain, { priority: 0 }), dep('zdr', zdr, { priority: 1, attributes: { zero_retention: true, region: 'eu' } })]),
        TOLLGATE_CACHE: 'on',
        TOLLGATE_AUDIT_REQUESTS: 'metadata',
        // Short backoff, and a breaker that the failover test's failures cannot open.
        TOLLGATE_RETRY_BASE_DELAY_MS: '20',
        TOLLGATE_RETRY_MAX_DELAY_MS: '100',
        TOLLGATE_BREAKER_FAILURES: '50',
      },
    });
    const newKey = async (name: string) => {
      const res = await gw.call('/api/keys', { body: { name } });
      assert.equal(res.status, 201, await res.clone().text());
      return (await res.json()) as CreatedKey;
    };
    k = await newKey('classified');
    strict = await newKey('strict');
    const res = await gw.call(`/api/guardrails/policies/org/${k.org_id}`, { method: 'PUT', body: { classification: { rules: [{ label: 'restricted', zero_retention: true }] } } });
    assert.equal(res.status, 200, await res.clone().text());
    // The strict key adds a region no deployment is in: restricted data has nowhere to go.
    const res2 = await gw.call(`/api/guardrails/policies/key/${strict.id}`, { method: 'PUT', body: { classification: { rules: [{ label: 'restricted', regions: ['us'] }] } } });
    assert.equal(res2.status, 200, await res2.clone().text());
  });
  after(async () => {
    await gw.close();
    await Promise.all([plain.close(), zdr.close()]);
  });

  test('a restricted request goes only to the zero-retention deployment; an internal one to the preferred plain one', async () => {
    const [p0, z0] = [chatCalls(plain), chatCalls(zdr)];
    for (let i = 0; i < 4; i++) {
      const res = await gw.call('/v1/chat/completions', { key: k.key, body: ask(`restricted question ${i}`), headers: { [LABEL]: 'restricted' } });
      assert.equal(res.status, 200, await res.clone().text());
    }
    assert.equal(chatCalls(plain), p0, 'nothing restricted reached the deployment without zero retention');
    assert.equal(chatCalls(zdr), z0 + 4);
    const res = await gw.call('/v1/chat/completions', { key: k.key, body: ask('an ordinary question') });
    assert.equal(res.status, 200);
    assert.equal(chatCalls(plain), p0 + 1, 'an internal request takes the preferred deployment');
  });

  test('a card number in the prompt labels the request restricted by itself: zero-retention deployment only', async () => {
    const [p0, z0] = [chatCalls(plain), chatCalls(zdr)];
    const res = await gw.call('/v1/chat/completions', { key: k.key, body: ask(`my card is ${CARD}`) });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(chatCalls(plain), p0);
    assert.equal(chatCalls(zdr), z0 + 1);
  });

  test('the preferred deployment failing does not send restricted data to a non-permitted one (failover is held to the label)', async () => {
    zdr.faults.push({ kind: 'status', status: 500 }, { kind: 'status', status: 500 }, { kind: 'status', status: 500 }, { kind: 'status', status: 500 });
    const p0 = chatCalls(plain);
    const res = await gw.call('/v1/chat/completions', { key: k.key, body: ask('restricted, while zdr is failing'), headers: { [LABEL]: 'restricted' } });
    assert.ok(res.status >= 500, `expected an upstream error, got ${res.status}`);
    assert.equal(chatCalls(plain), p0, 'no retry or fallback went to the plain deployment');
    zdr.faults.clear();
  });

  test('a restricted request no deployment accepts: 403 classification_not_permitted, nothing upstream, an audit record without content', async () => {
    const [p0, z0] = [chatCalls(plain), chatCalls(zdr)];
    const secret = 'the merger closes on friday';
    const res = await gw.call('/v1/chat/completions', { key: strict.key, body: ask(secret), headers: { [LABEL]: 'restricted' } });
    const err = await expectError(res, 403, 'classification_not_permitted', LABEL);
    assert.equal(err.error.type, 'permission_error');
    assert.match(err.error.message, /restricted' may only go to a zero-retention deployment and a deployment in us/);
    assert.match(err.error.message, /org:|key:/, 'names the policy');
    assert.equal(chatCalls(plain), p0, 'nothing reached plain');
    assert.equal(chatCalls(zdr), z0, 'nothing reached zdr');
    const requestId = res.headers.get('x-request-id')!;
    const rows = await gw.tg.store.db.selectFrom('audit_events').selectAll().where('action', '=', 'guard.classification_refused').where('request_id', '=', requestId).execute();
    assert.equal(rows.length, 1);
    const details = JSON.parse(rows[0]!.details) as { label: string; rules: string[]; policy: string };
    assert.equal(details.label, 'restricted');
    assert.ok(details.policy.startsWith('org:') || details.policy.startsWith('key:'));
    assert.ok(!JSON.stringify(rows[0]).includes('merger'), 'no content in the audit record');
    // Without the restricted label the same key is served.
    assert.equal((await gw.call('/v1/chat/completions', { key: strict.key, body: ask('hello') })).status, 200);
  });

  test('a restricted request is never cached, even with x-tollgate-cache: on (an internal one is)', async () => {
    const body = ask(`cache me ${Date.now()}`, { temperature: 0 });
    const z0 = chatCalls(zdr);
    for (let i = 0; i < 2; i++) {
      const res = await gw.call('/v1/chat/completions', { key: k.key, body, headers: { [LABEL]: 'restricted', 'x-tollgate-cache': 'on' } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get(STATUS), 'bypass');
    }
    assert.equal(chatCalls(zdr), z0 + 2, 'both went upstream');
    // The control: the same request without the label is stored and answered from the cache.
    const internal = ask(`cache me too ${Date.now()}`, { temperature: 0 });
    assert.equal((await gw.call('/v1/chat/completions', { key: k.key, body: internal, headers: { 'x-tollgate-cache': 'on' } })).headers.get(STATUS), 'miss');
    assert.equal((await gw.call('/v1/chat/completions', { key: k.key, body: internal, headers: { 'x-tollgate-cache': 'on' } })).headers.get(STATUS), 'hit');
  });

  test('with no policy at all a restricted label still keeps the request out of the cache', async () => {
    // The admin key's organization has no policy.
    const body = ask(`no policy ${Date.now()}`, { temperature: 0 });
    for (let i = 0; i < 2; i++) {
      const res = await gw.call('/v1/chat/completions', { body, headers: { [LABEL]: 'restricted', 'x-tollgate-cache': 'on' } });
      assert.equal(res.status, 200, await res.clone().text());
      assert.equal(res.headers.get(STATUS), 'bypass');
    }
  });

  test("a team's default label (its guard policy's classification.default_label) binds its keys' requests without any header", async () => {
    const team = await gw.call('/api/teams', { body: { name: `restricted team ${Date.now()}` } });
    assert.equal(team.status, 201, await team.clone().text());
    const teamId = ((await team.json()) as { id: string }).id;
    const keyRes = await gw.call('/api/keys', { body: { name: 'team key', team_id: teamId } });
    assert.equal(keyRes.status, 201, await keyRes.clone().text());
    const teamKey = (await keyRes.json()) as CreatedKey;
    const put = await gw.call(`/api/guardrails/policies/team/${teamId}`, { method: 'PUT', body: { classification: { default_label: 'restricted' } } });
    assert.equal(put.status, 200, await put.clone().text());
    const [p0, z0] = [chatCalls(plain), chatCalls(zdr)];
    const res = await gw.call('/v1/chat/completions', { key: teamKey.key, body: ask('a plain question from the team') });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(chatCalls(plain), p0, 'the team default made it restricted: not to plain');
    assert.equal(chatCalls(zdr), z0 + 1);
    // A caller cannot lower it: public in the header still counts as restricted.
    await gw.call('/v1/chat/completions', { key: teamKey.key, body: ask('another one'), headers: { [LABEL]: 'public' } });
    assert.equal(chatCalls(plain), p0);
  });

  test('moderation of restricted text goes only to a permitted deployment; with none, the request is refused before any text leaves', async () => {
    const mods = (sim: Simulator) => sim.requests.filter((r) => r.path === '/v1/moderations').length;
    const newKey = async (name: string, policy: unknown) => {
      const res = await gw.call('/api/keys', { body: { name } });
      const key = (await res.json()) as CreatedKey;
      const put = await gw.call(`/api/guardrails/policies/key/${key.id}`, { method: 'PUT', body: policy });
      assert.equal(put.status, 200, await put.clone().text());
      return key;
    };
    const moderation = { violence: { threshold: 0.5, action: 'block' } };
    const modKey = await newKey('moderated', { input: { moderation }, output: { moderation } });
    const [g0, p0, z0] = [mods(gw.sim), mods(plain), mods(zdr)];
    const res = await gw.call('/v1/chat/completions', { key: modKey.key, body: ask('restricted and moderated'), headers: { [LABEL]: 'restricted' } });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(mods(gw.sim), g0, 'the default upstream (no attributes) did not see the restricted text');
    assert.equal(mods(plain), p0);
    assert.equal(mods(zdr), z0 + 2, 'prompt and reply moderated on the zero-retention deployment');
    // Unlabelled (internal) text is moderated where it always was.
    assert.equal((await gw.call('/v1/chat/completions', { key: modKey.key, body: ask('an internal one') })).status, 200);
    assert.equal(mods(gw.sim), g0 + 2);

    const strictMod = await newKey('strict moderated', { input: { moderation }, classification: { rules: [{ label: 'restricted', regions: ['us'] }] } });
    const before = gw.sim.requests.length + plain.requests.length + zdr.requests.length;
    await expectError(gw.call('/v1/chat/completions', { key: strictMod.key, body: ask('nowhere to go'), headers: { [LABEL]: 'restricted' } }), 403, 'classification_not_permitted');
    assert.equal(gw.sim.requests.length + plain.requests.length + zdr.requests.length, before, 'no moderation call, no completion');
  });

  test('the request audit record carries the label and no content', async () => {
    const res = await gw.call('/v1/chat/completions', { key: k.key, body: ask('label me please'), headers: { [LABEL]: 'confidential' } });
    assert.equal(res.status, 200);
    const requestId = res.headers.get('x-request-id')!;
    let row;
    for (let i = 0; i < 60 && !row; i++) {
      row = await gw.tg.store.db.selectFrom('audit_events').selectAll().where('action', '=', 'gateway.request').where('request_id', '=', requestId).executeTakeFirst();
      if (!row) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(row, 'the request audit record was written');
    assert.equal((JSON.parse(row.details) as { classification: string }).classification, 'confidential');
    assert.ok(!JSON.stringify(row).includes('label me'), 'no content');
  });

  test('bad inputs: an unknown label in the header is a 400 naming it; nothing upstream', async () => {
    const [p0, z0] = [chatCalls(plain), chatCalls(zdr)];
    const err = await expectError(gw.call('/v1/chat/completions', { key: k.key, body: ask('hi'), headers: { [LABEL]: 'top-secret' } }), 400, 'invalid_parameter', LABEL);
    assert.match(err.error.message, /public, internal, confidential or restricted/);
    await expectError(gw.call('/v1/chat/completions', { body: ask('hi'), headers: { [LABEL]: 'secret' } }), 400, 'invalid_parameter', LABEL);
    assert.equal(chatCalls(plain) + chatCalls(zdr), p0 + z0);
  });

  test('bad inputs: bad classification bindings in a policy are a 400 naming the field', async () => {
    const put = (rules: unknown) => gw.call(`/api/guardrails/policies/key/${k.id}`, { method: 'PUT', body: { classification: { rules } } });
    await expectError(put([{ label: 'top-secret', zero_retention: true }]), 400, 'invalid_guard_policy', 'policy.classification.rules.0.label');
    await expectError(put([{ label: 'restricted', regions: [] }]), 400, 'invalid_guard_policy', 'policy.classification.rules.0.regions');
    await expectError(put([{ label: 'restricted', zero_retention: 'yes' }]), 400, 'invalid_guard_policy', 'policy.classification.rules.0.zero_retention');
    // A misspelt binding (`cache` for `response_cache`) is refused by the route's own schema, naming it.
    await expectError(put([{ label: 'restricted', cache: false }]), 400, 'invalid_parameter', 'classification.rules.0.cache');
    assert.equal((await gw.call(`/api/guardrails/policies/key/${k.id}`)).status, 404, 'nothing was stored');
  });
});
