import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { MemoryLoginThrottle } from '../../src/access/credentials/login-throttle.ts';
import { createUser } from '../access/auth/support.ts';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { openRaw, statusOf, within } from '../support/raw-http.ts';

// Issue 8.7: a budget refusal sent `retry-after: 55339` (seconds to the daily reset) and no
// `x-should-retry`; the official SDK slept that long and retried twice, so a caller hung for hours.
// Rule: every 429 and 503 Tollgate itself produces says whether retrying soon can help:
// `x-should-retry: false` when it cannot (budget exhausted, upstream quota, sign-in locked for longer
// than a minute), `true` when waiting Retry-After (at most a minute) can (public rate limit, sign-in
// slow-down, too many connections, an instance shutting down). Retry-After stays informational.

const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Hello' }];

describe('x-should-retry on every 429 and 503 Tollgate produces (issue 8.7)', () => {
  let gw: TestGateway;
  const clock = { t: Date.now() };

  before(async () => {
    gw = await startGateway({ env: { TOLLGATE_PUBLIC_RATE_LIMIT: '3' }, loginThrottle: new MemoryLoginThrottle({ now: () => clock.t }) });
  });
  after(() => gw.close());

  async function exhaustedKey(period: 'daily' | 'total'): Promise<string> {
    const k = (await (await gw.call('/api/keys', { body: { name: `broke ${period}`, kind: 'service', team_id: gw.tg.home.defaultTeam.id, role: 'member' } })).json()) as { id: string; key: string };
    const res = await gw.call('/api/budgets', { body: { scope: 'key', scope_id: k.id, period, limit_usd: '0.000000001' } });
    assert.equal(res.status, 201);
    return k.key;
  }
  const rowsOf = async (code: string) => ((await (await gw.call('/api/usage?limit=10000')).json()) as { data: { error_code: string | null }[] }).data.filter((r) => r.error_code === code).length;

  for (const period of ['daily', 'total'] as const) {
    test(`the official SDK at its default settings raises RateLimitError within a second on an exhausted ${period} budget, without retrying`, async () => {
      const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: await exhaustedKey(period) });
      const before = await rowsOf('budget_exceeded');
      const started = performance.now();
      const err = await within(client.chat.completions.create({ model: 'gpt-4o-mini', messages }).catch((e: unknown) => e), 5000, 'the SDK answers');
      const took = performance.now() - started;
      assert.ok(err instanceof OpenAI.RateLimitError, String(err));
      assert.equal(err.code, 'budget_exceeded');
      assert.ok(took < 1000, `raised after ${Math.round(took)} ms`);
      assert.equal(err.headers?.get('x-should-retry'), 'false');
      if (period === 'daily') assert.ok(Number(err.headers?.get('retry-after')) > 0, 'Retry-After still says when the budget resets');
      assert.equal((await rowsOf('budget_exceeded')) - before, 1, 'the SDK asked once');
    });
  }

  test('an upstream quota refusal (429 insufficient_quota) carries x-should-retry: false; the SDK gives up at once', async () => {
    gw.sim.faults.push({ kind: 'status', status: 429, type: 'insufficient_quota', code: 'insufficient_quota', message: 'You exceeded your current quota.', retry_after: 30, match: { path: '/v1/chat/completions' } });
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.adminKey });
    const started = performance.now();
    const err = await within(client.chat.completions.create({ model: 'gpt-4o-mini', messages }).catch((e: unknown) => e), 5000, 'the SDK answers');
    assert.ok(err instanceof OpenAI.RateLimitError, String(err));
    assert.equal(err.code, 'insufficient_quota');
    assert.equal(err.headers?.get('x-should-retry'), 'false');
    assert.ok(performance.now() - started < 1000);
  });

  test('an upstream rate limit stays retryable: the SDK waits Retry-After and succeeds', async () => {
    gw.sim.faults.push({ kind: 'status', status: 429, retry_after: 0.2, match: { path: '/v1/chat/completions' } });
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.adminKey });
    const answer = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    assert.ok(answer.choices[0]!.message.content);
  });

  test('the public rate limit (sign-in and account routes) says x-should-retry: true with Retry-After ≤ 60', async () => {
    let res: Response | undefined;
    for (let i = 0; i < 4; i++) res = await gw.call('/api/auth/password-reset', { key: null, body: { email: 'nobody@example.com' } });
    assert.equal(res!.status, 429);
    assert.equal(res!.headers.get('x-should-retry'), 'true');
    assert.ok(Number(res!.headers.get('retry-after')) <= 60);
  });

  test('sign-in: a short slow-down says x-should-retry: true, a lock of 15 minutes says false', async () => {
    const ana = await createUser(gw);
    // Each attempt from its own address, so the public rate limit (3 a minute) does not answer first.
    let n = 0;
    const signIn = (password: string) =>
      gw.tg.app.inject({ method: 'POST', url: '/api/auth/sign-in', remoteAddress: `10.9.${Math.floor(++n / 250)}.${n % 250}`, payload: { email: ana.email, password } });
    clock.t += 3_600_000;
    for (let i = 1; i <= 5; i++) assert.equal((await signIn('definitely-not-the-password')).statusCode, 401);
    const slowed = await signIn(ana.password);
    assert.equal(slowed.statusCode, 429);
    assert.equal(slowed.headers['retry-after'], '1');
    assert.equal(slowed.headers['x-should-retry'], 'true');
    clock.t += 3_600_000;
    for (let i = 1; i <= 10; i++) {
      clock.t += 30_000;
      assert.equal((await signIn('definitely-not-the-password')).statusCode, 401);
    }
    const locked = await signIn(ana.password);
    assert.equal(locked.statusCode, 429);
    assert.equal(locked.headers['retry-after'], '900');
    assert.equal(locked.headers['x-should-retry'], 'false');
  });

  test('too many connections from one address: 429 with x-should-retry: true', async () => {
    const capped = await startGateway({ env: { TOLLGATE_MAX_CONNECTIONS_PER_ADDRESS: '2' } });
    try {
      const held = await Promise.all([openRaw(capped.url, '127.0.0.7'), openRaw(capped.url, '127.0.0.7')]);
      const third = await openRaw(capped.url, '127.0.0.7');
      third.socket.write('GET /health HTTP/1.1\r\nHost: tollgate\r\n\r\n');
      await within(third.closed, 5000, 'refused connection closed');
      const answer = third.received();
      assert.equal(statusOf(answer), 429, answer);
      assert.match(answer, /x-should-retry: true/i);
      assert.match(answer, /retry-after: 1/i);
      for (const c of held) c.socket.destroy();
    } finally {
      await capped.close();
    }
  });

  test('a request that reaches an instance while it shuts down: 503 in OpenAI shape with x-should-retry: true', async () => {
    const closing = await startGateway();
    let closed: Promise<void> | undefined;
    try {
      // A keep-alive connection busy with a slow answer when the instance starts to close...
      closing.sim.faults.push({ kind: 'latency', ms: 600, match: { path: '/v1/chat/completions' } });
      const conn = await openRaw(closing.url);
      const body = JSON.stringify({ model: 'gpt-4o-mini', messages });
      const request = `POST /v1/chat/completions HTTP/1.1\r\nHost: tollgate\r\nAuthorization: Bearer ${closing.adminKey}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
      conn.socket.write(request);
      await new Promise((r) => setTimeout(r, 200));
      closed = closing.tg.app.close();
      // ...then sends its next request on that connection.
      while (!conn.received().includes('"choices"')) await new Promise((r) => setTimeout(r, 20));
      const first = conn.received();
      if (/connection: close/i.test(first)) {
        // Node closed the connection after the answer: nothing more can arrive. Still a clean end.
        assert.equal(statusOf(first), 200);
        return;
      }
      const before = conn.received().length;
      conn.socket.write(request);
      await within(conn.closed, 5000, 'connection closed after the 503');
      const second = conn.received().slice(before);
      assert.equal(statusOf(second), 503, second);
      assert.match(second, /x-should-retry: true/i);
      assert.match(second, /"code":"server_shutting_down"/);
      assert.match(second, /x-request-id: req_/i);
    } finally {
      await closed;
      await closing.close().catch(() => undefined);
    }
  });
});
