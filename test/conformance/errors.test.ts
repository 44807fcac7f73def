import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import OpenAI from 'openai';
import type { RecordedRequest } from '../../src/upstream/simulator/index.ts';
import { UPSTREAM_KEY } from '../support/gateway.ts';
import {
  assertNoUpstreamKey,
  CHAT_MODEL,
  conformanceSuite,
  conforms,
  errorBody,
  rejectsWith,
  type Conformance,
} from './support.ts';

const ask = (text = 'Is the bridge open?') => ({ model: CHAT_MODEL, messages: [{ role: 'user' as const, content: text }] });

/** Programs the simulator's fault queue over its control API, as a test in another process would. */
async function programFaults(c: Conformance, faults: unknown[]): Promise<void> {
  const res = await fetch(`${c.gw.sim.url}/_simulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ faults }),
  });
  assert.equal(res.status, 200, await res.text());
}

async function clearFaults(c: Conformance): Promise<void> {
  const res = await fetch(`${c.gw.sim.url}/_simulator/faults`, { method: 'DELETE' });
  assert.equal(res.status, 200);
}

/** Upstream requests whose body mentions `marker`, from the simulator's control API. */
async function upstreamRequestsWith(c: Conformance, marker: string): Promise<RecordedRequest[]> {
  const res = await fetch(`${c.gw.sim.url}/_simulator/requests`);
  const list = (await res.json()) as { data: RecordedRequest[] };
  return list.data.filter((r) => JSON.stringify(r.body).includes(marker));
}

conformanceSuite('SDK typed errors through Tollgate', (c) => {
  test('no Tollgate key: AuthenticationError 401', async (t) => {
    const client = await c.client({ key: 'unused', defaultHeaders: { Authorization: null } });
    const err = await rejectsWith(() => client.chat.completions.create(ask()), OpenAI.AuthenticationError);
    assert.equal(err.status, 401);
    assert.equal(err.code, 'missing_api_key');
    assert.equal(err.type, 'authentication_error');
    assert.match(err.requestID ?? '', /^req_/);
    conforms(t, 'ErrorResponse', errorBody(err));
  });

  test('invalid or malformed Tollgate key: AuthenticationError 401', async (t) => {
    for (const key of ['tg-this-key-does-not-exist-0000000000', 'sk-not-a-tollgate-key', UPSTREAM_KEY]) {
      const client = await c.client({ key });
      const err = await rejectsWith(() => client.chat.completions.create(ask()), OpenAI.AuthenticationError);
      assert.equal(err.status, 401, key);
      assert.equal(err.code, 'invalid_api_key', key);
      conforms(t, 'ErrorResponse', errorBody(err));
    }
  });

  test('revoked Tollgate key: AuthenticationError 401', async (t) => {
    const { id, key } = await c.userKeyWithId({ name: 'to revoke' });
    const client = await c.client({ key });
    await client.chat.completions.create(ask());
    const res = await c.gw.call(`/api/keys/${id}`, { method: 'DELETE' });
    assert.equal(res.status, 200);
    const err = await rejectsWith(() => client.chat.completions.create(ask()), OpenAI.AuthenticationError);
    assert.equal(err.status, 401);
    assert.equal(err.code, 'revoked_api_key');
    conforms(t, 'ErrorResponse', errorBody(err));
  });

  test('expired Tollgate key: AuthenticationError 401', async (t) => {
    const expiresAt = Date.now() + 1_500;
    const key = await c.userKey({ name: 'expiring', expires_at: new Date(expiresAt).toISOString() });
    const client = await c.client({ key });
    await client.models.list();
    await sleep(Math.max(0, expiresAt - Date.now()) + 50);
    const err = await rejectsWith(() => client.chat.completions.create(ask()), OpenAI.AuthenticationError);
    assert.equal(err.status, 401);
    assert.equal(err.code, 'expired_api_key');
    conforms(t, 'ErrorResponse', errorBody(err));
  });

  test('key restricted to gpt-4o-mini: gpt-4o is PermissionDeniedError 403, the model list shows only allowed models', async (t) => {
    const client = await c.client({ key: await c.userKey({ name: 'mini only', allowed_models: ['gpt-4o-mini'] }) });
    const ok = await client.chat.completions.create(ask());
    assert.ok(ok.choices[0]!.message.content);

    const err = await rejectsWith(() => client.chat.completions.create({ ...ask(), model: 'gpt-4o' }), OpenAI.PermissionDeniedError);
    assert.equal(err.status, 403);
    assert.equal(err.code, 'model_not_allowed');
    assert.equal(err.param, 'model');
    conforms(t, 'ErrorResponse', errorBody(err));
    const streamed = await rejectsWith(() => client.chat.completions.create({ ...ask(), model: 'gpt-4o', stream: true }), OpenAI.PermissionDeniedError);
    assert.equal(streamed.status, 403);
    await rejectsWith(() => client.models.retrieve('gpt-4o'), OpenAI.PermissionDeniedError);

    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    assert.deepEqual(ids, ['gpt-4o-mini']);
    conforms(t, 'ListModelsResponse', JSON.parse(await c.observer.last().body));
  });

  test('unknown path: NotFoundError 404 through client.get and a raw fetch', async (t) => {
    const client = await c.client();
    const err = await rejectsWith(() => client.get('/nope'), OpenAI.NotFoundError);
    assert.equal(err.status, 404);
    assert.match(err.message, /\/v1\/nope/);
    conforms(t, 'ErrorResponse', errorBody(err));

    const raw = await fetch(`${c.gw.url}/v1/nope`, { method: 'POST', headers: { authorization: `Bearer ${await c.userKey()}`, 'content-type': 'application/json' }, body: '{}' });
    assert.equal(raw.status, 404);
    const body = (await raw.json()) as { error: { type: string; code: string } };
    assert.equal(body.error.type, 'invalid_request_error');
    conforms(t, 'ErrorResponse', body);
  });

  test('bad body: BadRequestError naming the param, and the upstream is not called', async (t) => {
    const marker = `bad-body-${randomUUID()}`;
    const client = await c.client();
    const notArray = { model: CHAT_MODEL, messages: marker } as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
    const err = await rejectsWith(() => client.chat.completions.create(notArray), OpenAI.BadRequestError);
    assert.equal(err.status, 400);
    assert.equal(err.param, 'messages');
    assert.equal(err.code, 'invalid_type');
    conforms(t, 'ErrorResponse', errorBody(err));

    const noModel = { messages: [{ role: 'user', content: marker }] } as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
    const missing = await rejectsWith(() => client.chat.completions.create(noModel), OpenAI.BadRequestError);
    assert.equal(missing.param, 'model');

    const emptyInput = await rejectsWith(() => client.embeddings.create({ model: 'text-embedding-3-small', input: [] }), OpenAI.BadRequestError);
    assert.equal(emptyInput.param, 'input');
    assert.deepEqual(await upstreamRequestsWith(c, marker), [], 'invalid requests never reach the upstream');
  });

  test('upstream keeps answering 429: RateLimitError after exactly maxRetries+1 attempts, retry-after passed through', async (t) => {
    const marker = `rate-limited-${randomUUID()}`;
    await programFaults(c, [{ kind: 'status', status: 429, retry_after: 0, times: 10, match: { path: '/v1/chat/completions' } }]);
    try {
      const client = await c.client({ maxRetries: 1 });
      const err = await rejectsWith(() => client.chat.completions.create(ask(marker)), OpenAI.RateLimitError);
      assert.equal(err.status, 429);
      assert.equal(err.code, 'rate_limit_exceeded');
      assert.equal(err.headers?.get('retry-after'), '0');
      assert.equal(err.headers?.get('retry-after-ms'), '0');
      assert.equal(err.headers?.get('x-ratelimit-remaining-requests'), '0', 'rate-limit state passed through');
      conforms(t, 'ErrorResponse', errorBody(err));
      const upstream = await upstreamRequestsWith(c, marker);
      assert.equal(upstream.length, 2, 'the SDK retried once (maxRetries: 1) and Tollgate did not retry on its own');
      const attempts = c.observer.seen.filter((s) => s.status === 429 && s.path === '/v1/chat/completions');
      assert.ok(attempts.length >= 2);
      assert.notEqual(attempts.at(-1)!.requestId, attempts.at(-2)!.requestId, 'each attempt has its own Tollgate request id');
    } finally {
      await clearFaults(c);
    }
  });

  test('an upstream error message quoting the upstream key reaches the SDK redacted', async (t) => {
    await programFaults(c, [{ kind: 'status', status: 400, message: `Invalid request for key ${UPSTREAM_KEY}.`, code: 'bad_thing', times: 1 }]);
    try {
      const client = await c.client();
      const err = await rejectsWith(() => client.chat.completions.create(ask()), OpenAI.BadRequestError);
      assert.equal(err.code, 'bad_thing');
      assertNoUpstreamKey(err.message, 'the SDK error message');
      assertNoUpstreamKey(JSON.stringify(err.error), 'the SDK error body');
      conforms(t, 'ErrorResponse', errorBody(err));
    } finally {
      await clearFaults(c);
    }
  });

  test('the upstream rejecting the gateway credentials is a 502 to the SDK, not a 401 about the caller', async (t) => {
    await programFaults(c, [{ kind: 'status', status: 401, times: 1 }]);
    try {
      const client = await c.client();
      const err = await rejectsWith(() => client.chat.completions.create(ask()), OpenAI.InternalServerError);
      assert.equal(err.status, 502);
      assert.equal(err.code, 'upstream_auth_failed');
      assertNoUpstreamKey(err.message, 'the SDK error message');
      conforms(t, 'ErrorResponse', errorBody(err));
    } finally {
      await clearFaults(c);
    }
  });
});
