import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import { ConfigError, loadConfig } from '../../src/config/index.ts';
import { startGateway, type TestGateway } from '../support/gateway.ts';

// Issue 11.5: rate limits in the gateway's admit stage, seen by the official SDK: 429s shaped as
// OpenAI's with x-ratelimit-* and Retry-After, tokens estimated and corrected, concurrency slots
// given back on every outcome, limits set on keys and teams through the API.

const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Hello' }];

describe('rate limits in the gateway (official SDK as the client)', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway();
  });
  after(() => gw.close());

  /** A service key with these limits of its own, in force at once (every instance reloads them on the change feed). */
  async function limitedKey(rateLimits: Record<string, number>): Promise<{ id: string; client: OpenAI; view: Record<string, unknown> }> {
    const res = await gw.call('/api/keys', { body: { name: 'limited', kind: 'service', team_id: gw.tg.home.defaultTeam.id, role: 'member', rate_limits: rateLimits } });
    assert.equal(res.status, 201, await res.clone().text());
    const view = (await res.json()) as { id: string; key: string };
    await gw.tg.limits.reload();
    return { id: view.id, client: new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: view.key, maxRetries: 0 }), view };
  }

  test('requests per minute: the third of 2 RPM is a 429 with x-ratelimit-* headers and Retry-After', async () => {
    const { client, view } = await limitedKey({ requests_per_minute: 2 });
    assert.deepEqual(view.rate_limits, { requests_per_minute: 2 }, "shown in the key's view");
    const first = await client.chat.completions.create({ model: 'gpt-4o-mini', messages }).withResponse();
    assert.equal(first.response.headers.get('x-ratelimit-limit-requests'), '2');
    assert.equal(first.response.headers.get('x-ratelimit-remaining-requests'), '1');
    assert.match(first.response.headers.get('x-ratelimit-reset-requests')!, /^\d+(\.\d+)?m?s|\d+m\d+s$/);
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    const err = await client.chat.completions.create({ model: 'gpt-4o-mini', messages }).catch((e: unknown) => e);
    assert.ok(err instanceof OpenAI.RateLimitError, String(err));
    assert.equal(err.status, 429);
    assert.equal(err.code, 'rate_limit_exceeded');
    assert.equal(err.type, 'requests');
    assert.match(err.message, /Rate limit reached for gpt-4o-mini \(key key_\w+\) on requests per min \(RPM\): Limit 2/);
    assert.equal(err.headers?.get('x-ratelimit-limit-requests'), '2');
    assert.equal(err.headers?.get('x-ratelimit-remaining-requests'), '0');
    assert.ok(err.headers?.get('x-ratelimit-reset-requests'));
    const retryAfter = Number(err.headers?.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 30, `Retry-After ${retryAfter}`);
    assert.notEqual(err.headers?.get('x-should-retry'), 'false');
    const rows = (await (await gw.call('/api/usage?limit=10000')).json()) as { data: { error_code: string | null; status: number }[] };
    assert.ok(rows.data.some((r) => r.error_code === 'rate_limit_exceeded' && r.status === 429), 'the refusal has its ledger row');
  });

  test('tokens per minute: estimated at admission (prompt + max_tokens), corrected to the usage after metering', async () => {
    const { client } = await limitedKey({ tokens_per_minute: 1_000 });
    const body = { model: 'gpt-4o-mini', messages, max_tokens: 600 };
    const first = await client.chat.completions.create(body).withResponse();
    const estimate = 1_000 - Number(first.response.headers.get('x-ratelimit-remaining-tokens'));
    assert.ok(estimate > 600 && estimate < 650, `estimate ${estimate}`);
    const used = first.data.usage!.total_tokens;
    assert.ok(used < estimate);
    await sleep(50);
    // Without the correction the first request would still hold its whole estimate and this would be refused (2 × 600+ > 1000).
    const second = await client.chat.completions.create(body).withResponse();
    const remaining = Number(second.response.headers.get('x-ratelimit-remaining-tokens'));
    assert.ok(remaining >= 1_000 - used - estimate && remaining < 1_000 - used - estimate + 60, `remaining ${remaining}, used ${used}, estimate ${estimate}`);
  });

  test('a stream carries the headers too, and its tokens are corrected from the usage chunk the client did not ask for', async () => {
    const { client } = await limitedKey({ tokens_per_minute: 1_000, requests_per_minute: 10 });
    const { data: stream, response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, max_tokens: 600, stream: true }).withResponse();
    assert.equal(response.headers.get('x-ratelimit-limit-requests'), '10');
    const estimate = 1_000 - Number(response.headers.get('x-ratelimit-remaining-tokens'));
    assert.ok(estimate > 600, `estimate ${estimate}`);
    for await (const chunk of stream) assert.equal(chunk.usage ?? null, null, 'the usage chunk stays stripped');
    await sleep(50);
    const second = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, max_tokens: 600 }).withResponse();
    assert.equal(second.response.status, 200, 'the stream gave back what it did not use');
  });

  test('a request larger than its tokens limit is refused for good: x-should-retry false, the SDK does not retry', async () => {
    const { id } = await limitedKey({ tokens_per_minute: 100 });
    const key = ((await (await gw.call(`/api/keys/${id}/rotate`, { body: { grace_period_seconds: 0 } })).json()) as { key: string }).key;
    await gw.tg.limits.reload();
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key });
    const started = performance.now();
    const err = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, max_tokens: 500 }).catch((e: unknown) => e);
    assert.ok(err instanceof OpenAI.RateLimitError, String(err));
    assert.equal(err.type, 'tokens');
    assert.equal(err.headers?.get('x-should-retry'), 'false');
    assert.match(err.message, /Request too large for gpt-4o-mini .* on tokens per min \(TPM\): Limit 100/);
    assert.ok(performance.now() - started < 1_000, 'no retries');
  });

  test('concurrency: the slot is held while a request runs and given back when it is served, fails upstream, or its client leaves', async () => {
    const { client } = await limitedKey({ max_concurrent: 1 });
    const refusedWhileBusy = async (label: string) => {
      const err = await client.chat.completions.create({ model: 'gpt-4o-mini', messages }).catch((e: unknown) => e);
      assert.ok(err instanceof OpenAI.RateLimitError, `${label}: ${String(err)}`);
      assert.match(err.message, /on concurrent requests: Limit 1, In flight 1/);
    };
    const admittedSoon = async (label: string) => {
      // The slot is freed right after the answer; allow the release its round trip.
      for (let i = 0; i < 40; i++) {
        const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages }).catch((e: unknown) => e);
        if (!(r instanceof OpenAI.RateLimitError)) {
          assert.ok(!(r instanceof Error), `${label}: ${String(r)}`);
          return;
        }
        await sleep(50);
      }
      assert.fail(`${label}: the slot was never given back`);
    };

    // Served (and, above, several in a row: each frees its slot).
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    await admittedSoon('after a served request');

    // Held while in flight.
    gw.sim.faults.push({ kind: 'latency', ms: 600, match: { path: '/v1/chat/completions' } });
    const slow = client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    await sleep(150);
    await refusedWhileBusy('while a request runs');
    await slow;
    await admittedSoon('after the slow request');

    // Upstream error.
    gw.sim.faults.push({ kind: 'status', status: 500, match: { path: '/v1/chat/completions' } });
    const failed = await client.chat.completions.create({ model: 'gpt-4o-mini', messages }).catch((e: unknown) => e);
    assert.ok(failed instanceof OpenAI.InternalServerError || failed instanceof OpenAI.APIError, String(failed));
    await admittedSoon('after an upstream 500');

    // Client gone mid-request.
    gw.sim.faults.push({ kind: 'latency', ms: 1_500, match: { path: '/v1/chat/completions' } });
    const abort = new AbortController();
    const gone = client.chat.completions.create({ model: 'gpt-4o-mini', messages }, { signal: abort.signal }).catch((e: unknown) => e);
    await sleep(150);
    await refusedWhileBusy('while the abandoned request runs');
    abort.abort();
    assert.ok((await gone) instanceof OpenAI.APIUserAbortError);
    await admittedSoon('after its client left');
  });

  test('limits on a team hold for all its keys together', async () => {
    const team = ((await (await gw.call('/api/teams', { body: { name: `limited ${randomBytes(3).toString('hex')}` } })).json()) as { id: string }).id;
    const res = await gw.call(`/api/teams/${team}`, { method: 'PATCH', body: { rate_limits: { requests_per_minute: 3 } } });
    assert.equal(res.status, 200);
    assert.deepEqual(((await res.json()) as { rate_limits: unknown }).rate_limits, { requests_per_minute: 3 });
    const keys = await Promise.all([0, 1].map(async () => ((await (await gw.call('/api/keys', { body: { name: 't', kind: 'service', team_id: team, role: 'member' } })).json()) as { key: string }).key));
    await gw.tg.limits.reload();
    const clients = keys.map((k) => new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: k, maxRetries: 0 }));
    const outcomes = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => clients[i % 2]!.chat.completions.create({ model: 'gpt-4o-mini', messages }).then(() => 'ok', (e: unknown) => (e instanceof OpenAI.RateLimitError ? '429' : String(e)))));
    assert.equal(outcomes.filter((o) => o === 'ok').length, 3, outcomes.join(' '));
    assert.equal(outcomes.filter((o) => o === '429').length, 3);
  });

  test('bad limits through the API get a 400 in OpenAI error shape and change nothing', async () => {
    const { id } = await limitedKey({ requests_per_minute: 5 });
    const bad: [unknown, string][] = [
      [{ requests_per_minute: -1 }, 'rate_limits.requests_per_minute'],
      [{ requests_per_minute: 0 }, 'rate_limits.requests_per_minute'],
      [{ tokens_per_minute: 1.5 }, 'rate_limits.tokens_per_minute'],
      [{ max_concurrent: 'lots' }, 'rate_limits.max_concurrent'],
      [{ requests_per_minutes: 10 }, 'rate_limits'],
      ['fast', 'rate_limits'],
    ];
    for (const [value, param] of bad) {
      for (const path of [`/api/keys/${id}`, `/api/teams/${gw.tg.home.defaultTeam.id}`]) {
        const res = await gw.call(path, { method: 'PATCH', body: { rate_limits: value } });
        assert.equal(res.status, 400, `${path} ${JSON.stringify(value)}`);
        const body = (await res.json()) as { error: { message: string; type: string; param: string | null; code: string } };
        assert.equal(body.error.type, 'invalid_request_error');
        assert.ok(typeof body.error.message === 'string' && body.error.message.length > 0);
        assert.ok(body.error.param?.startsWith(param), `param ${body.error.param} for ${JSON.stringify(value)}`);
      }
    }
    const view = (await (await gw.call(`/api/keys/${id}`)).json()) as { rate_limits: unknown };
    assert.deepEqual(view.rate_limits, { requests_per_minute: 5 }, 'unchanged');
    // null clears one limit, rate_limits: null clears all.
    const cleared = (await (await gw.call(`/api/keys/${id}`, { method: 'PATCH', body: { rate_limits: { requests_per_minute: null, max_concurrent: 4 } } })).json()) as { rate_limits: unknown };
    assert.deepEqual(cleared.rate_limits, { max_concurrent: 4 });
    const none = (await (await gw.call(`/api/keys/${id}`, { method: 'PATCH', body: { rate_limits: null } })).json()) as { rate_limits: unknown };
    assert.equal(none.rate_limits, null);
  });

  test('a key cannot lift its own throttle: raising or removing its limits with itself is refused, lowering is allowed', async () => {
    const res = await gw.call('/api/keys', { body: { name: 'team admin', kind: 'service', team_id: gw.tg.home.defaultTeam.id, role: 'admin', rate_limits: { requests_per_minute: 5, max_concurrent: 2 } } });
    const self = (await res.json()) as { id: string; key: string };
    const patch = (rate_limits: unknown) => gw.call(`/api/keys/${self.id}`, { method: 'PATCH', key: self.key, body: { rate_limits } });
    for (const looser of [{ requests_per_minute: 6 }, { requests_per_minute: null }, null, { max_concurrent: 100 }]) {
      const r = await patch(looser);
      assert.equal(r.status, 403, JSON.stringify(looser));
      assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'permission_denied');
    }
    const lowered = await patch({ requests_per_minute: 4, tokens_per_minute: 1_000 });
    assert.equal(lowered.status, 200);
    assert.deepEqual(((await lowered.json()) as { rate_limits: unknown }).rate_limits, { requests_per_minute: 4, max_concurrent: 2, tokens_per_minute: 1_000 });
  });

  test('/ready says which counters hold the limits and that one instance holds them', async () => {
    const ready = (await (await gw.call('/ready', { key: null })).json()) as Record<string, unknown>;
    assert.deepEqual(ready.counters, { adapter: 'memory', status: 'ok', on_error: 'closed' });
    assert.deepEqual(ready.instances, { alive: 1, limits: 'shared' });
  });
});

describe('rate limits in tollgate.yaml', () => {
  test('a bad rule stops the start naming the setting and the field', async () => {
    assert.throws(() => loadConfig({ TOLLGATE_RATE_LIMITS: '[{"scope":"key","scope_id":"key_1","requests_per_minute":-1}]' }, { findFile: false }), /TOLLGATE_RATE_LIMITS|rate_limits\.rules/);
    assert.throws(() => loadConfig({ TOLLGATE_RATE_LIMITS: 'not json' }, { findFile: false }), /TOLLGATE_RATE_LIMITS|rate_limits\.rules/);
    await assert.rejects(
      startGateway({ env: { TOLLGATE_RATE_LIMITS: '[{"scope":"key","scope_id":"key_1"}]' } }),
      (err: Error) => err instanceof ConfigError && /rate_limits\.rules\.0: a rate limit needs at least one of requests_per_minute/.test(err.message),
    );
  });
});
