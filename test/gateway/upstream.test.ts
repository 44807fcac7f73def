import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN_KEY, UPSTREAM_KEY, startGateway, type TestGateway } from '../support/gateway.ts';

const hello = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'a secret message about lighthouses' }] };
type Err = { error: { message: string; type: string; code: string | null } };

describe('upstream errors, timeouts and secrets', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway();
  });
  after(() => gw.close());

  const withFault = (fault: Parameters<TestGateway['sim']['faults']['push']>[0]) => {
    gw.sim.faults.push(fault);
    return gw.call('/v1/chat/completions', { body: hello });
  };

  test('an upstream 429 passes through with Retry-After and rate-limit headers', async () => {
    const res = await withFault({ kind: 'status', status: 429, retry_after: 7 });
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '7');
    assert.ok(res.headers.get('x-ratelimit-remaining-requests') !== null);
    const body = (await res.json()) as Err;
    assert.equal(body.error.code, 'rate_limit_exceeded', 'the upstream error passes through as it was');
    assert.ok(res.headers.get('x-request-id')?.startsWith('req_'));
  });

  test('upstream 500 and 503 pass through in OpenAI shape', async () => {
    for (const status of [500, 503]) {
      const res = await withFault({ kind: 'status', status });
      assert.equal(res.status, status);
      const body = (await res.json()) as Err;
      assert.equal(typeof body.error.message, 'string');
    }
  });

  test('added upstream latency shows in the ledger row', async () => {
    const res = await withFault({ kind: 'latency', ms: 150 });
    assert.equal(res.status, 200);
    const row = (await (await gw.call(`/api/usage/${res.headers.get('x-request-id')}`)).json()) as { latency_ms: number; upstream_request_id: string };
    assert.ok(row.latency_ms >= 150);
    assert.match(row.upstream_request_id, /^req_/);
  });

  test('the x-request-id of every response is ours and the upstream id is kept in the ledger', async () => {
    const res = await gw.call('/v1/chat/completions', { body: hello });
    const ours = res.headers.get('x-request-id')!;
    const row = (await (await gw.call(`/api/usage/${ours}`)).json()) as { request_id: string; upstream_request_id: string; model_served: string };
    assert.equal(row.request_id, ours);
    assert.notEqual(row.upstream_request_id, ours);
    assert.ok(row.model_served.startsWith('gpt-4o-mini'));
  });

  test('one log line per request with id, key prefix, model, status, latency and tokens; no content, no secrets', async () => {
    const key = await gw.createKey({ name: 'logger' });
    const res = await gw.call('/v1/chat/completions', { key, body: hello });
    const id = res.headers.get('x-request-id')!;
    await res.arrayBuffer();
    const lines = gw.logs.filter((l) => l.includes(id));
    assert.equal(lines.length, 1);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.equal(line.reqId, id);
    assert.equal(line.key, key.slice(0, 11));
    assert.equal(line.model, 'gpt-4o-mini');
    assert.equal(line.status, 200);
    assert.equal(typeof line.ms, 'number');
    assert.ok((line.tokensIn as number) > 0);
    const all = gw.logs.join('\n');
    assert.ok(!all.includes('lighthouses'), 'message content is not logged');
    assert.ok(!all.includes(UPSTREAM_KEY), 'upstream key is not logged');
    assert.ok(!all.includes(key), 'tollgate key is not logged');
    assert.ok(!all.includes(ADMIN_KEY), 'admin key is not logged');
  });
});

describe('a misconfigured or unreachable upstream', () => {
  test('a wrong upstream key gives 502 upstream_auth_failed and never echoes the key', async () => {
    const gw = await startGateway({ env: { OPENAI_API_KEY: 'sk-wrong-upstream-key-abcdefghijklmnop' } });
    try {
      const res = await gw.call('/v1/chat/completions', { body: hello });
      assert.equal(res.status, 502);
      const text = await res.text();
      assert.equal((JSON.parse(text) as Err).error.code, 'upstream_auth_failed');
      assert.ok(!text.includes('sk-wrong'), 'no part of the upstream key is echoed');
      assert.ok(!text.includes('mnop'));
      assert.ok(!gw.logs.join('\n').includes('sk-wrong-upstream-key'));
    } finally {
      await gw.close();
    }
  });

  test('an unreachable upstream gives 502 upstream_unreachable quickly', async () => {
    const gw = await startGateway({ env: { OPENAI_BASE_URL: 'http://127.0.0.1:1/v1' } });
    try {
      const res = await gw.call('/v1/chat/completions', { body: hello });
      assert.equal(res.status, 502);
      assert.equal(((await res.json()) as Err).error.code, 'upstream_unreachable');
      const ready = await gw.call('/ready', { key: null });
      assert.equal(ready.status, 200, 'the gateway itself is ready; the upstream is configured');
    } finally {
      await gw.close();
    }
  });
});
