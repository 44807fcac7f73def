import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import OpenAI from 'openai';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { usdToNanos } from '../support/money.ts';
import { redisProxy } from '../support/redis-proxy.ts';
import { redisSkip, testRedisUrl } from '../support/redis.ts';
import { createPostgresStore, type TestStore } from '../support/stores.ts';

// Issue 11.6: REDIS_URL puts the gateway's rate limits and budget reservations on Redis, so two
// instances hold one limit. Each gateway here is a whole Tollgate (own HTTP server, own Counters
// instance, own simulator) on the same Redis; with in-process counters each would admit the whole
// limit (the first test shows the double admission without Redis).

const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Hi' }];

/** `attempts` calls at once, alternating between the gateways; counts of each outcome. */
async function race(gateways: TestGateway[], keyOf: (gw: TestGateway) => string, attempts: number, body: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming): Promise<Record<string, number>> {
  const clients = gateways.map((gw) => new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: keyOf(gw), maxRetries: 0, timeout: 60_000 }));
  const outcomes = await Promise.all(
    Array.from({ length: attempts }, (_, i) =>
      clients[i % clients.length]!.chat.completions.create(body).then(
        () => 'ok',
        (e: unknown) => (e instanceof OpenAI.APIError ? `${e.status} ${e.code}` : String(e)),
      ),
    ),
  );
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
  return counts;
}

const model = () => `sim-limited-${randomBytes(4).toString('hex')}`;
const rpmRule = (m: string) => JSON.stringify([{ scope: 'model', scope_id: m, requests_per_minute: 100 }]);
const manyConnections = { TOLLGATE_MAX_CONNECTIONS_PER_ADDRESS: '0' };

describe('without Redis each instance counts its own limit (what REDIS_URL fixes)', () => {
  test('two gateways with in-process counters admit 100 RPM each: 200 of 300 pass', async () => {
    const m = model();
    const gws = [await startGateway({ simulatorModels: [m], env: { ...manyConnections, TOLLGATE_RATE_LIMITS: rpmRule(m) } }), await startGateway({ simulatorModels: [m], env: { ...manyConnections, TOLLGATE_RATE_LIMITS: rpmRule(m) } })];
    try {
      const counts = await race(gws, (gw) => gw.adminKey, 300, { model: m, messages });
      assert.ok((counts.ok ?? 0) >= 200, `each instance admitted its own 100: ${JSON.stringify(counts)}`);
    } finally {
      await Promise.all(gws.map((g) => g.close()));
    }
  });
});

describe('two gateways on one Redis', { skip: redisSkip() }, () => {
  const open: TestGateway[] = [];
  after(() => Promise.all(open.map((g) => g.close())));

  test('one limit of 100 requests per minute under 1,000 concurrent attempts: at most 101 pass', async () => {
    const m = model();
    const env = { ...manyConnections, REDIS_URL: testRedisUrl()!, TOLLGATE_RATE_LIMITS: rpmRule(m) };
    const gws = [await startGateway({ simulatorModels: [m], env }), await startGateway({ simulatorModels: [m], env })];
    open.push(...gws);
    const started = performance.now();
    const counts = await race(gws, (gw) => gw.adminKey, 1_000, { model: m, messages });
    const took = performance.now() - started;
    const passed = counts.ok ?? 0;
    // The bucket refills one request every 600 ms; 1,000 HTTP requests through two gateways on a
    // small machine take a few seconds, so the refills during the race are allowed on top of 101.
    const refills = Math.floor(took / 600);
    assert.ok(passed <= 101 + refills, `passed ${passed} in ${Math.round(took)} ms: ${JSON.stringify(counts)}`);
    assert.ok(passed >= 100, `the limit admits its 100: ${JSON.stringify(counts)}`);
    assert.equal(passed + (counts['429 rate_limit_exceeded'] ?? 0), 1_000, JSON.stringify(counts));
    const ready = (await (await gws[0]!.call('/ready', { key: null })).json()) as Record<string, unknown>;
    assert.deepEqual(ready.counters, { adapter: 'redis', status: 'ok', on_error: 'closed' });
  });

  test('Redis unreachable: limited requests are refused with a 503 (fail closed, the default), /ready says so; fail open admits them', async () => {
    const m = model();
    const proxy = await redisProxy(new URL(testRedisUrl()!));
    try {
      const closed = await startGateway({ simulatorModels: [m], env: { REDIS_URL: proxy.url, TOLLGATE_RATE_LIMITS: rpmRule(m) } });
      open.push(closed);
      const opened = await startGateway({ simulatorModels: [m], env: { REDIS_URL: proxy.url, TOLLGATE_RATE_LIMITS: rpmRule(m), TOLLGATE_ON_COUNTERS_ERROR: 'open' } });
      open.push(opened);
      const client = (gw: TestGateway) => new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.adminKey, maxRetries: 0 });
      await client(closed).chat.completions.create({ model: m, messages });
      proxy.cut();
      const err = await client(closed).chat.completions.create({ model: m, messages }).catch((e: unknown) => e);
      assert.ok(err instanceof OpenAI.APIError && err.status === 503, String(err));
      assert.equal(err.code, 'rate_limiter_unavailable');
      assert.ok(!err.message.includes(proxy.url) && !/ECONNREFUSED|ioredis/i.test(err.message), err.message);
      const ready = await closed.call('/ready', { key: null });
      assert.equal(ready.status, 503);
      assert.deepEqual(((await ready.json()) as Record<string, unknown>).counters, { adapter: 'redis', status: 'unreachable', on_error: 'closed' });
      assert.ok(closed.logs.some((l) => l.includes('fail closed')), 'logged');
      await client(opened).chat.completions.create({ model: m, messages });
      assert.equal((await opened.call('/ready', { key: null })).status, 200, 'fail open stays ready (and says the counters are unreachable)');
    } finally {
      proxy.close();
    }
  });

  test('the public-route limit (sign-in, resets) is one per address across instances', async () => {
    const redis = new Redis(testRedisUrl()!);
    await redis.del('tollgate:{counters}:b:pub:127.0.0.1'); // the address's bucket, left by an earlier run
    await redis.quit();
    const env = { REDIS_URL: testRedisUrl()!, TOLLGATE_PUBLIC_RATE_LIMIT: '4' };
    const gws = [await startGateway({ env }), await startGateway({ env })];
    open.push(...gws);
    const signIn = (gw: TestGateway) => gw.call('/api/auth/sign-in', { key: null, body: { email: 'nobody@example.com', password: 'wrong password here' } });
    const answers: number[] = [];
    for (let i = 0; i < 6; i++) answers.push((await signIn(gws[i % 2]!)).status);
    assert.deepEqual(answers, [401, 401, 401, 401, 429, 429], 'four between both instances, not four each');
  });

  const pgUrl = process.env.TOLLGATE_TEST_DATABASE_URL;
  test('one budget across two instances on one Redis and one PostgreSQL is never overspent under 200 concurrent requests', { skip: pgUrl ? false : 'needs TOLLGATE_TEST_DATABASE_URL too' }, async () => {
    const store: TestStore = await createPostgresStore(pgUrl!);
    const running: TestGateway[] = [];
    try {
      const env = { ...manyConnections, REDIS_URL: testRedisUrl()!, TOLLGATE_RELOAD_INTERVAL_MS: '200' };
      const a = await startGateway({ store, env });
      running.push(a);
      const b = await startGateway({ store, env });
      running.push(b);
      const res = await a.call('/api/keys', { body: { name: 'budgeted', kind: 'service', team_id: a.tg.home.defaultTeam.id, role: 'member' } });
      const key = (await res.json()) as { id: string; key: string };
      const limitUsd = '0.0005';
      assert.equal((await a.call('/api/budgets', { body: { scope: 'key', scope_id: key.id, period: 'total', limit_usd: limitUsd } })).status, 201);
      await b.tg.budgets.refresh();
      const counts = await race([a, b], () => key.key, 200, { model: 'gpt-4o-mini', messages, max_tokens: 40 });
      assert.ok((counts.ok ?? 0) > 0 && (counts['429 budget_exceeded'] ?? 0) > 0, JSON.stringify(counts));
      assert.equal((counts.ok ?? 0) + (counts['429 budget_exceeded'] ?? 0), 200, JSON.stringify(counts));
      // Rows are written in batches: wait until all 200 are in the ledger.
      let usage: { data: unknown[]; totals: { cost_usd: string } } = { data: [], totals: { cost_usd: '0' } };
      for (let i = 0; i < 50 && usage.data.length < 200; i++) {
        await sleep(100);
        usage = (await (await a.call(`/api/usage?key_id=${key.id}&limit=10000`)).json()) as typeof usage;
      }
      assert.equal(usage.data.length, 200);
      const spent = usdToNanos(usage.totals.cost_usd);
      assert.ok(spent > 0 && spent <= usdToNanos(limitUsd), `the ledger spent ${usage.totals.cost_usd} of ${limitUsd}`);
    } finally {
      await Promise.all(running.map((g) => g.close()));
      await store.dispose();
    }
  });
});
