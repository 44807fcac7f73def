import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/index.ts';
import OpenAI from 'openai';
import { computeCost } from '../../src/metering/prices/index.ts';
import { createSimulator, type Simulator } from '../../src/upstream/simulator/index.ts';
import { expectError } from '../support/errors.ts';
import { usdToNanos } from '../support/money.ts';
import { startGateway, UPSTREAM_KEY, type TestGateway } from '../support/gateway.ts';
import { readSse } from '../support/sse.ts';

// Two simulators as two deployments, driven by their fault controls (docs/simulator.md): each
// request either succeeds through retry or fallback or ends with a clear OpenAI-shaped error, has
// exactly one ledger row, is billed once, and ends by its deadline.

const hello = (model = 'gpt-4o-mini') => ({ model, messages: [{ role: 'user', content: 'hello there' }] });
type Row = { request_id: string; status: number; attempts: number; deployments_tried: string[]; model_requested: string; model_served: string | null; cost_usd: string | null; error_code: string | null; prompt_tokens: number; completion_tokens: number };

interface Rig {
  gw: TestGateway;
  a: Simulator;
  b: Simulator;
  close(): Promise<void>;
}

/** Simulators a and b (both demanding UPSTREAM_KEY, read from the SIM_KEY variable) and a Tollgate with them as deployments. */
async function rig(deployments: (a: Simulator, b: Simulator) => unknown[], env: Record<string, string> = {}): Promise<Rig> {
  const a = createSimulator({ apiKey: UPSTREAM_KEY });
  const b = createSimulator({ apiKey: UPSTREAM_KEY });
  await a.listen(0, '127.0.0.1');
  await b.listen(0, '127.0.0.1');
  const gw = await startGateway({
    env: { SIM_KEY: UPSTREAM_KEY, TOLLGATE_DEPLOYMENTS: JSON.stringify(deployments(a, b)), TOLLGATE_RETRY_BASE_DELAY_MS: '20', TOLLGATE_RETRY_MAX_DELAY_MS: '100', ...env },
  });
  return { gw, a, b, close: async () => void (await Promise.all([gw.close(), a.close(), b.close()])) };
}

const dep = (id: string, sim: Simulator, over: Record<string, unknown> = {}) => ({ id, provider: 'openai-compatible', base_url: `${sim.url}/v1`, api_key: { env: 'SIM_KEY' }, models: ['*'], ...over });

async function rowOf(gw: TestGateway, res: Response): Promise<Row> {
  const id = res.headers.get('x-request-id')!;
  await gw.tg.ledger.flush();
  const r = await gw.call(`/api/usage/${id}`);
  assert.equal(r.status, 200, await r.clone().text());
  return (await r.json()) as Row;
}

async function rowsFor(gw: TestGateway, id: string): Promise<number> {
  await gw.tg.ledger.flush();
  const rows = await gw.tg.store.db.selectFrom('usage_records').select('request_id').where('request_id', '=', id).execute();
  return rows.length;
}

const chatCalls = (sim: Simulator) => sim.requests.filter((r) => r.path === '/v1/chat/completions').length;

describe('deployments: retries and failover between two simulators', () => {
  let r: Rig;
  before(async () => {
    // a is preferred (priority 0), b is the backup: which one an attempt reaches is known.
    r = await rig((a, b) => [dep('sim-a', a), dep('sim-b', b, { priority: 1 })], { TOLLGATE_ATTEMPT_TIMEOUT_MS: '600', TOLLGATE_BREAKER_FAILURES: '50' });
  });
  after(() => r.close());

  test('a 500 on the first deployment is retried on the second: served, one row, two attempts, billed once', async () => {
    r.a.faults.push({ kind: 'status', status: 500 });
    const res = await r.gw.call('/v1/chat/completions', { body: hello() });
    assert.equal(res.status, 200, await res.clone().text());
    const body = (await res.json()) as { model: string };
    assert.ok(body.model.startsWith('gpt-4o-mini'));
    const row = await rowOf(r.gw, res);
    assert.equal(row.attempts, 2);
    assert.deepEqual(row.deployments_tried, ['sim-a', 'sim-b']);
    assert.equal(await rowsFor(r.gw, row.request_id), 1);
    // Billed once: the cost is that of the one answer's usage.
    const price = r.gw.tg.catalog.priceFor(row.model_served!, Date.now());
    const once = computeCost({ prompt: row.prompt_tokens, cached: 0, completion: row.completion_tokens, reasoning: 0, audioIn: 0, audioOut: 0 }, price, null);
    assert.equal(usdToNanos(row.cost_usd!), once.total);
    assert.equal(res.headers.get('x-tollgate-cost-usd'), row.cost_usd);
  });

  test('a 503 and a connection reset are retried', async () => {
    for (const fault of [{ kind: 'status', status: 503 } as const, { kind: 'break' } as const]) {
      r.a.faults.push(fault);
      const res = await r.gw.call('/v1/chat/completions', { body: hello() });
      assert.equal(res.status, 200, `${fault.kind}: ${await res.clone().text()}`);
      const row = await rowOf(r.gw, res);
      assert.deepEqual(row.deployments_tried, ['sim-a', 'sim-b'], fault.kind);
    }
  });

  test('a slow first byte past the attempt timeout moves to the other deployment', async () => {
    r.a.faults.push({ kind: 'latency', ms: 3_000 });
    const started = Date.now();
    const res = await r.gw.call('/v1/chat/completions', { body: hello() });
    assert.equal(res.status, 200);
    const took = Date.now() - started;
    assert.ok(took >= 550 && took < 2_500, `took ${took} ms`);
    assert.deepEqual((await rowOf(r.gw, res)).deployments_tried, ['sim-a', 'sim-b']);
  });

  test('a stream broken mid-way is never retried: the client gets an error event, one row', async () => {
    r.a.faults.push({ kind: 'break', after_chunks: 2, match: { stream: true } });
    const beforeB = chatCalls(r.b);
    const res = await r.gw.call('/v1/chat/completions', { body: { ...hello(), stream: true } });
    assert.equal(res.status, 200);
    const events = await readSse(res);
    assert.ok(events.some((e) => e.data.includes('"error"')), 'the stream ends with an error event');
    assert.equal(chatCalls(r.b) - beforeB, 0, 'nothing was sent twice');
    const row = await rowOf(r.gw, res);
    assert.equal(row.attempts, 1);
    assert.equal(await rowsFor(r.gw, row.request_id), 1);
  });

  test('a streamed request whose first attempt fails before any byte is retried', async () => {
    r.a.faults.push({ kind: 'status', status: 500, match: { stream: true } });
    const res = await r.gw.call('/v1/chat/completions', { body: { ...hello(), stream: true } });
    assert.equal(res.status, 200);
    const events = await readSse(res);
    assert.equal(events.at(-1)?.data, '[DONE]');
    assert.equal((await rowOf(r.gw, res)).attempts, 2);
  });

  test('when every attempt fails: the last upstream error in OpenAI shape, attempts capped, nothing billed', async () => {
    r.a.faults.push({ kind: 'status', status: 503, times: 10 });
    r.b.faults.push({ kind: 'status', status: 503, times: 10 });
    const res = await r.gw.call('/v1/chat/completions', { body: hello() });
    const id = res.headers.get('x-request-id')!;
    await expectError(res, 503);
    r.a.faults.clear();
    r.b.faults.clear();
    await r.gw.tg.ledger.flush();
    const row = (await (await r.gw.call(`/api/usage/${id}`)).json()) as Row;
    assert.equal(row.attempts, 3);
    assert.equal(usdToNanos(row.cost_usd!), 0);
    assert.equal(await rowsFor(r.gw, id), 1);
  });
});

describe('deployments: deadline, fallback chains, aliases, circuit breaker', () => {
  test('a JSON answer cut short (not valid JSON) from one deployment is answered by the other, billed once', async () => {
    const r = await rig((a, b) => [dep('sim-a', a), dep('sim-b', b, { priority: 1 })]);
    try {
      r.a.faults.push({ kind: 'malformed' });
      const res = await r.gw.call('/v1/chat/completions', { body: hello() });
      assert.equal(res.status, 200, await res.clone().text());
      const row = await rowOf(r.gw, res);
      assert.deepEqual(row.deployments_tried, ['sim-a', 'sim-b']);
      const usage = { prompt: row.prompt_tokens, cached: 0, completion: row.completion_tokens, reasoning: 0, audioIn: 0, audioOut: 0 };
      assert.equal(usdToNanos(row.cost_usd!), computeCost(usage, r.gw.tg.catalog.priceFor(row.model_served!, Date.now()), null).total);
    } finally {
      await r.close();
    }
  });

  test('a 429 storm with Retry-After on one deployment is served by the other; alone, it is waited for', async () => {
    const r = await rig((a, b) => [dep('sim-a', a), dep('sim-b', b, { priority: 1 })]);
    try {
    r.a.faults.push({ kind: 'status', status: 429, retry_after: 2, times: 20 });
    const started = Date.now();
    const res = await r.gw.call('/v1/chat/completions', { body: hello() });
    assert.equal(res.status, 200);
    assert.ok(Date.now() - started < 1500, 'the other deployment does not wait for the first one\'s Retry-After');
    const row = await rowOf(r.gw, res);
    assert.equal(row.deployments_tried.at(-1), 'sim-b');
    r.a.faults.clear();
    } finally {
      await r.close();
    }
    // One deployment: the Retry-After is the least wait before the next attempt.
    const one = await rig((a) => [dep('only', a)]);
    try {
      one.a.faults.push({ kind: 'status', status: 429, retry_after: 1 });
      const t0 = Date.now();
      const res = await one.gw.call('/v1/chat/completions', { body: hello() });
      assert.equal(res.status, 200);
      assert.ok(Date.now() - t0 >= 1_000, 'waited for Retry-After');
      assert.equal((await rowOf(one.gw, res)).attempts, 2);
    } finally {
      await one.close();
    }
  });


  test('a quota 429 (insufficient_quota) is not retried on the same deployment', async () => {
    const r = await rig((a, b) => [dep('sim-a', a), dep('sim-b', b, { priority: 1 })]);
    try {
    r.a.faults.push({ kind: 'status', status: 429, code: 'insufficient_quota', type: 'insufficient_quota', message: 'You exceeded your current quota.', times: 5 });
    const before = chatCalls(r.a);
    const res = await r.gw.call('/v1/chat/completions', { body: hello() });
    assert.equal(res.status, 200, 'served by the deployment that has quota');
    assert.equal(chatCalls(r.a) - before, 1, 'the out-of-quota deployment is asked once');
    } finally {
      await r.close();
    }
  });

  test('the official SDK, streaming through an alias whose deployment fails first, gets one whole answer', async () => {
    const r = await rig((a, b) => [dep('sim-a', a, { models: ['gpt-4o-mini'] }), dep('sim-b', b, { models: ['gpt-4o-mini'], priority: 1 })], {
      TOLLGATE_MODEL_ALIASES: JSON.stringify({ fast: 'gpt-4o-mini' }),
    });
    try {
      r.a.faults.push({ kind: 'status', status: 502 });
      const client = new OpenAI({ baseURL: `${r.gw.url}/v1`, apiKey: r.gw.adminKey, maxRetries: 0 });
      const stream = await client.chat.completions.create({ model: 'fast', stream: true, messages: [{ role: 'user', content: 'hello there' }] });
      let text = '';
      let model = '';
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        model = chunk.model;
      }
      assert.ok(text.length > 0);
      assert.ok(model.startsWith('gpt-4o-mini'));
      const sent = r.b.requests.at(-1)!.body as { model: string; stream_options?: { include_usage?: boolean } };
      assert.equal(sent.model, 'gpt-4o-mini', 'the alias is resolved before the upstream sees it');
      assert.equal(sent.stream_options?.include_usage, true, 'usage is still asked for, so the stream is metered');
    } finally {
      await r.close();
    }
  });

  test('a client that leaves while the gateway waits out a Retry-After ends the request: no further attempt, one 499 row', async () => {
    const r = await rig((a) => [dep('only', a)]);
    try {
      r.a.faults.push({ kind: 'status', status: 429, retry_after: 2 });
      const gone = new AbortController();
      const pending = fetch(`${r.gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${r.gw.adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(hello()),
        signal: gone.signal,
      }).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 300));
      gone.abort();
      await pending;
      // The wait is cut short: the request is over (and recorded) well before the Retry-After ends.
      await new Promise((resolve) => setTimeout(resolve, 400));
      await r.gw.tg.ledger.flush();
      const rows = await r.gw.tg.store.db.selectFrom('usage_records').select(['status', 'attempts', 'error_code']).execute();
      assert.deepEqual(rows, [{ status: 499, attempts: 1, error_code: 'client_closed' }]);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      assert.equal(chatCalls(r.a), 1, 'no attempt after the client left');
    } finally {
      await r.close();
    }
  });

  test('a request never runs past its deadline: 504 upstream_deadline, one row', async () => {
    const r = await rig((a, b) => [dep('sim-a', a), dep('sim-b', b)], { TOLLGATE_RETRY_DEADLINE_MS: '800', TOLLGATE_ATTEMPT_TIMEOUT_MS: '30000' });
    try {
      r.a.faults.push({ kind: 'latency', ms: 5_000, times: 5 });
      r.b.faults.push({ kind: 'latency', ms: 5_000, times: 5 });
      const started = Date.now();
      const res = await r.gw.call('/v1/chat/completions', { body: hello() });
      const took = Date.now() - started;
      const id = res.headers.get('x-request-id')!;
      await expectError(res, 504, 'upstream_deadline');
      assert.ok(took < 1_500, `took ${took} ms`);
      assert.equal(await rowsFor(r.gw, id), 1);
    } finally {
      await r.close();
    }
  });

  test('fallback gpt-4o → gpt-4o-mini after two failures: model_served and its own price', async () => {
    const r = await rig((a, b) => [dep('big', a, { models: ['gpt-4o'] }), dep('small', b, { models: ['gpt-4o-mini'] })], {
      TOLLGATE_FALLBACKS: JSON.stringify({ 'gpt-4o': ['gpt-4o-mini'] }),
    });
    try {
      r.a.faults.push({ kind: 'status', status: 500, times: 10 });
      const res = await r.gw.call('/v1/chat/completions', { body: hello('gpt-4o') });
      assert.equal(res.status, 200, await res.clone().text());
      const body = (await res.json()) as { model: string };
      assert.ok(body.model.startsWith('gpt-4o-mini'), `the model actually served is returned: ${body.model}`);
      const sent = r.b.requests.at(-1)!.body as { model: string };
      assert.equal(sent.model, 'gpt-4o-mini', 'the fallback was asked for its own model');
      const row = await rowOf(r.gw, res);
      assert.equal(row.model_requested, 'gpt-4o');
      assert.ok(row.model_served!.startsWith('gpt-4o-mini'));
      assert.deepEqual(row.deployments_tried, ['big', 'big', 'small']);
      const usage = { prompt: row.prompt_tokens, cached: 0, completion: row.completion_tokens, reasoning: 0, audioIn: 0, audioOut: 0 };
      const mini = computeCost(usage, r.gw.tg.catalog.priceFor('gpt-4o-mini', Date.now()), null).total!;
      const big = computeCost(usage, r.gw.tg.catalog.priceFor('gpt-4o', Date.now()), null).total!;
      assert.notEqual(mini, big);
      assert.equal(usdToNanos(row.cost_usd!), mini, 'priced at gpt-4o-mini\'s price');
    } finally {
      await r.close();
    }
  });

  test('a model alias resolves to its model; a model no deployment serves is a 404 model_not_found', async () => {
    const r = await rig((a, b) => [dep('sim-a', a, { models: ['gpt-4o-mini'] }), dep('sim-b', b, { models: ['gpt-4o-mini'] })], {
      TOLLGATE_MODEL_ALIASES: JSON.stringify({ fast: 'gpt-4o-mini' }),
    });
    try {
      const res = await r.gw.call('/v1/chat/completions', { body: hello('fast') });
      assert.equal(res.status, 200, await res.clone().text());
      assert.ok(((await res.json()) as { model: string }).model.startsWith('gpt-4o-mini'));
      const row = await rowOf(r.gw, res);
      assert.equal(row.model_requested, 'fast');
      await expectError(r.gw.call('/v1/chat/completions', { body: hello('gpt-4o') }), 404, 'model_not_found', 'model');
      // Under a budget the alias is reserved at its model's price (an alias has no price of its own).
      const created = (await (await r.gw.call('/api/keys', { body: { name: 'budgeted', kind: 'service', team_id: r.gw.tg.home.defaultTeam.id, role: 'member' } })).json()) as { id: string; key: string };
      const budget = await r.gw.call('/api/budgets', { body: { scope: 'key', scope_id: created.id, period: 'total', limit_usd: '10.00', name: 'alias budget' } });
      assert.equal(budget.status, 201, await budget.clone().text());
      const budgeted = await r.gw.call('/v1/chat/completions', { key: created.key, body: hello('fast') });
      assert.equal(budgeted.status, 200, await budgeted.clone().text());
      assert.ok(usdToNanos((await rowOf(r.gw, budgeted)).cost_usd!) > 0);
    } finally {
      await r.close();
    }
  });

  test('an open circuit skips its deployment and shows in /api/deployments and /ready; no secret is shown', async () => {
    const r = await rig((a, b) => [dep('sim-a', a), dep('sim-b', b, { priority: 1 })], { TOLLGATE_BREAKER_FAILURES: '2', TOLLGATE_BREAKER_COOL_DOWN_MS: '60000' });
    try {
      r.a.faults.push({ kind: 'status', status: 500, times: 2 });
      for (let i = 0; i < 2; i++) assert.equal((await r.gw.call('/v1/chat/completions', { body: hello() })).status, 200);
      const list = await r.gw.call('/api/deployments');
      const text = await list.text();
      assert.equal(list.status, 200, text);
      assert.ok(!text.includes(UPSTREAM_KEY), 'the secret is never shown');
      const data = (JSON.parse(text) as { data: { id: string; api_key_ref: string; circuit: { state: string } }[] }).data;
      assert.deepEqual(data.map((d) => [d.id, d.circuit.state, d.api_key_ref]), [['sim-a', 'open', 'env:SIM_KEY'], ['sim-b', 'closed', 'env:SIM_KEY']]);
      const ready = (await (await fetch(`${r.gw.url}/ready`)).json()) as { upstream: { status: string; circuits: Record<string, number> } };
      assert.equal(ready.upstream.status, 'degraded');
      assert.deepEqual(ready.upstream.circuits, { closed: 1, open: 1, half_open: 0 });
      const before = chatCalls(r.a);
      const res = await r.gw.call('/v1/chat/completions', { body: hello() });
      assert.equal(res.status, 200);
      assert.equal(chatCalls(r.a), before, 'the open deployment is not called');
      assert.deepEqual((await rowOf(r.gw, res)).deployments_tried, ['sim-b']);
      // Everything open: refused at once, with a Retry-After.
      r.b.faults.push({ kind: 'status', status: 500, times: 2 });
      for (let i = 0; i < 2; i++) await r.gw.call('/v1/chat/completions', { body: hello() }).then((x) => x.arrayBuffer());
      const refused = await r.gw.call('/v1/chat/completions', { body: hello() });
      assert.ok(Number(refused.headers.get('retry-after')) >= 1);
      await expectError(refused, 503, 'upstreams_unavailable');
    } finally {
      await r.close();
    }
  });

  test('after the cool-down one probe goes to the open deployment; its success closes the circuit', async () => {
    const r = await rig((a, b) => [dep('sim-a', a), dep('sim-b', b, { priority: 1 })], { TOLLGATE_BREAKER_FAILURES: '1', TOLLGATE_BREAKER_COOL_DOWN_MS: '300' });
    try {
      r.a.faults.push({ kind: 'status', status: 500 });
      assert.equal((await r.gw.call('/v1/chat/completions', { body: hello() })).status, 200);
      const state = async () => ((await (await r.gw.call('/api/deployments')).json()) as { data: { id: string; circuit: { state: string } }[] }).data.find((d) => d.id === 'sim-a')!.circuit.state;
      assert.equal(await state(), 'open');
      await new Promise((resolve) => setTimeout(resolve, 350));
      const res = await r.gw.call('/v1/chat/completions', { body: hello() });
      assert.deepEqual((await rowOf(r.gw, res)).deployments_tried, ['sim-a'], 'the probe');
      assert.equal(await state(), 'closed');
    } finally {
      await r.close();
    }
  });

  test('without deployments /api/deployments is an empty list and only owners may read it', async () => {
    const gw = await startGateway();
    try {
      const res = await gw.call('/api/deployments');
      assert.deepEqual(await res.json(), { object: 'list', data: [] });
      const member = await gw.createKey({ name: 'member key' });
      assert.equal((await gw.call('/api/deployments', { key: member })).status, 200, 'a personal key of the owner is the owner');
    } finally {
      await gw.close();
    }
  });
});

describe('deployments: bad configuration stops the start with a clear error', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['an unknown secret variable', { TOLLGATE_DEPLOYMENTS: JSON.stringify([{ id: 'x', provider: 'openai', base_url: 'http://127.0.0.1:9/v1', api_key: { env: 'NO_SUCH_KEY_VAR' }, models: ['*'] }]) }, /NO_SUCH_KEY_VAR, which is not set/],
    ['an inline secret', { TOLLGATE_DEPLOYMENTS: JSON.stringify([{ id: 'x', provider: 'openai', base_url: 'http://127.0.0.1:9/v1', api_key: 'sk-inline-secret-value', models: ['*'] }]) }, /inline secrets are refused/],
    ['an alias loop', { TOLLGATE_MODEL_ALIASES: JSON.stringify({ fast: 'quick', quick: 'fast' }) }, /a loop: fast → quick → fast/],
    ['a fallback to an unknown deployment', { TOLLGATE_FALLBACKS: JSON.stringify({ 'gpt-4o': [{ deployment: 'nowhere' }] }) }, /names the deployment 'nowhere', which is not in upstream.deployments/],
  ];
  for (const [what, env, message] of cases) {
    test(what, () => {
      // What `tollgate serve` does first: the configuration is loaded (and refused) before anything starts.
      assert.throws(() => loadConfig({ OPENAI_API_KEY: UPSTREAM_KEY, ...env }, { findFile: false }), (err: Error) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, message);
        assert.ok(!err.message.includes('sk-inline-secret-value'), 'the message never repeats a secret');
        return true;
      });
    });
  }
});
