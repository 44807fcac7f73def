import assert from 'node:assert/strict';
import { test } from 'node:test';
import OpenAI from 'openai';
import {
  CHAT_MODEL,
  conformanceSuite,
  rejectsWith,
  usageRows,
  USER_MESSAGES,
  type UsageRow,
} from './support.ts';

/** What the ledger row of one SDK request must say. */
interface Expected {
  what: string;
  requestId: string;
  endpoint: string;
  model_requested: string | null;
  model_served?: string;
  status: number;
  stream: boolean;
  prompt_tokens: number;
  completion_tokens: number;
  key_id: string | null;
  /** Whether the request reached the upstream (so the row names the upstream's request id). */
  upstream: boolean;
  /** The row's error_code when the request failed (checked when given; successes must have none). */
  error_code?: string;
}

const tokens = (u: { prompt_tokens: number; completion_tokens?: number } | null | undefined) => {
  assert.ok(u, 'the SDK saw usage');
  return { prompt_tokens: u.prompt_tokens, completion_tokens: u.completion_tokens ?? 0 };
};

conformanceSuite('Usage ledger after SDK calls through Tollgate', (c) => {
  const expected: Expected[] = [];
  let keyId = '';
  let client: OpenAI;
  /** Records what the row of the SDK's latest request must say. */
  const expect = (e: Omit<Expected, 'requestId' | 'key_id' | 'upstream'> & { key_id?: string | null; upstream?: boolean }) => {
    const requestId = c.observer.last().requestId;
    assert.ok(requestId, `${e.what}: the SDK got an x-request-id`);
    expected.push({ key_id: keyId, upstream: true, ...e, requestId });
  };

  test('chat: plain, streamed without usage, streamed with usage', async () => {
    const created = await c.userKeyWithId({ name: 'ledger' });
    keyId = created.id;
    client = await c.client({ key: created.key });
    const req = { model: CHAT_MODEL, messages: USER_MESSAGES };

    const plain = await client.chat.completions.create(req);
    const usage = tokens(plain.usage);
    assert.ok(usage.prompt_tokens > 0 && usage.completion_tokens > 0);
    expect({ what: 'chat', endpoint: '/v1/chat/completions', model_requested: CHAT_MODEL, model_served: plain.model, status: 200, stream: false, ...usage });

    let sawUsage = false;
    for await (const chunk of await client.chat.completions.create({ ...req, stream: true })) sawUsage ||= Boolean(chunk.usage);
    assert.equal(sawUsage, false, 'the SDK saw no usage; the ledger must still have it');
    expect({ what: 'chat stream (no include_usage)', endpoint: '/v1/chat/completions', model_requested: CHAT_MODEL, model_served: plain.model, status: 200, stream: true, ...usage });

    let streamed: OpenAI.CompletionUsage | undefined;
    for await (const chunk of await client.chat.completions.create({ ...req, stream: true, stream_options: { include_usage: true } })) {
      streamed = chunk.usage ?? streamed;
    }
    expect({ what: 'chat stream (include_usage)', endpoint: '/v1/chat/completions', model_requested: CHAT_MODEL, status: 200, stream: true, ...tokens(streamed) });
  });

  test('responses: plain and streamed', async () => {
    const plain = await client.responses.create({ model: 'gpt-4.1-mini', input: 'Count the lanes.' });
    const u = plain.usage!;
    expect({ what: 'responses', endpoint: '/v1/responses', model_requested: 'gpt-4.1-mini', model_served: plain.model, status: 200, stream: false, prompt_tokens: u.input_tokens, completion_tokens: u.output_tokens });

    let done: OpenAI.Responses.Response | undefined;
    for await (const e of await client.responses.create({ model: 'gpt-4.1-mini', input: 'Count the lanes again.', stream: true })) {
      if (e.type === 'response.completed') done = e.response;
    }
    assert.ok(done?.usage);
    expect({ what: 'responses stream', endpoint: '/v1/responses', model_requested: 'gpt-4.1-mini', model_served: done.model, status: 200, stream: true, prompt_tokens: done.usage.input_tokens, completion_tokens: done.usage.output_tokens });
  });

  test('legacy completions, embeddings, moderations, models', async () => {
    const creq = { model: 'gpt-3.5-turbo-instruct', prompt: 'Toll roads are' };
    const comp = await client.completions.create(creq);
    expect({ what: 'completions', endpoint: '/v1/completions', model_requested: creq.model, status: 200, stream: false, ...tokens(comp.usage) });
    for await (const _ of await client.completions.create({ ...creq, stream: true })) {
      // drain
    }
    expect({ what: 'completions stream', endpoint: '/v1/completions', model_requested: creq.model, status: 200, stream: true, ...tokens(comp.usage) });

    const emb = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a lane', 'a barrier'] });
    expect({ what: 'embeddings', endpoint: '/v1/embeddings', model_requested: 'text-embedding-3-small', status: 200, stream: false, prompt_tokens: emb.usage.prompt_tokens, completion_tokens: 0 });

    await client.moderations.create({ input: 'a friendly toll booth' });
    expect({ what: 'moderations (default model)', endpoint: '/v1/moderations', model_requested: 'omni-moderation-latest', status: 200, stream: false, prompt_tokens: 0, completion_tokens: 0 });

    await client.models.list();
    expect({ what: 'models list', endpoint: '/v1/models', model_requested: null, status: 200, stream: false, prompt_tokens: 0, completion_tokens: 0 });
    await client.models.retrieve('gpt-4o');
    expect({ what: 'model retrieve', endpoint: '/v1/models/:id', model_requested: 'gpt-4o', status: 200, stream: false, prompt_tokens: 0, completion_tokens: 0 });
    await rejectsWith(() => client.models.retrieve('no-such-model'), OpenAI.NotFoundError);
    expect({ what: 'unknown model', endpoint: '/v1/models/:id', model_requested: 'no-such-model', status: 404, stream: false, prompt_tokens: 0, completion_tokens: 0, error_code: 'model_not_found' });
  });

  test('failed requests are rows too', async () => {
    const bad = { model: CHAT_MODEL, messages: 'not a list' } as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
    await rejectsWith(() => client.chat.completions.create(bad), OpenAI.BadRequestError);
    expect({ what: 'bad body', endpoint: '/v1/chat/completions', model_requested: CHAT_MODEL, status: 400, stream: false, prompt_tokens: 0, completion_tokens: 0, upstream: false, error_code: 'invalid_type' });

    const stranger = await c.client({ key: 'tg-unknown-key-for-the-ledger-000000' });
    await rejectsWith(() => stranger.chat.completions.create({ model: CHAT_MODEL, messages: USER_MESSAGES }), OpenAI.AuthenticationError);
    expect({ what: 'bad key', endpoint: '/v1/chat/completions', model_requested: null, status: 401, stream: false, prompt_tokens: 0, completion_tokens: 0, key_id: null, upstream: false, error_code: 'invalid_api_key' });

    const limited = await c.userKeyWithId({ name: 'limited', allowed_models: [CHAT_MODEL] });
    const limitedClient = await c.client({ key: limited.key });
    await rejectsWith(() => limitedClient.chat.completions.create({ model: 'gpt-4o', messages: USER_MESSAGES }), OpenAI.PermissionDeniedError);
    expect({ what: 'model not allowed', endpoint: '/v1/chat/completions', model_requested: 'gpt-4o', status: 403, stream: false, prompt_tokens: 0, completion_tokens: 0, key_id: limited.id, upstream: false, error_code: 'model_not_allowed' });

    await rejectsWith(() => client.get('/nope'), OpenAI.NotFoundError);
    // Its error_code is checked by its own test below.
    expect({ what: 'unknown path', endpoint: '/v1/nope', model_requested: null, status: 404, stream: false, prompt_tokens: 0, completion_tokens: 0, upstream: false });

    c.gw.sim.faults.push({ kind: 'status', status: 429, retry_after: 0, times: 2 });
    const retrying = await c.client({ key: limited.key, maxRetries: 1 });
    const before = c.observer.seen.length;
    await rejectsWith(() => retrying.chat.completions.create({ model: CHAT_MODEL, messages: USER_MESSAGES }), OpenAI.RateLimitError);
    const attempts = c.observer.since(before);
    assert.equal(attempts.length, 2);
    for (const a of attempts) {
      expected.push({ what: 'rate limited', requestId: a.requestId!, endpoint: '/v1/chat/completions', model_requested: CHAT_MODEL, status: 429, stream: false, prompt_tokens: 0, completion_tokens: 0, key_id: limited.id, upstream: true, error_code: 'rate_limit_exceeded' });
    }
  });

  test('GET /api/usage: one row per /v1 request, matching what the SDK saw', async () => {
    const { data: rows, totals } = await usageRows(c.gw);
    const seenIds = c.observer.seen.map((s) => s.requestId);
    assert.equal(rows.length, c.observer.seen.length, 'one ledger row per request the SDK made');
    assert.deepEqual(new Set(rows.map((r) => r.request_id)), new Set(seenIds), 'the rows are exactly the SDK requests');
    assert.equal(expected.length, rows.length, 'every row has an expectation');

    const upstreamIds = new Set(c.gw.sim.requests.map((r) => r.requestId));
    const byId = new Map(rows.map((r) => [r.request_id, r]));
    for (const e of expected) {
      const row = byId.get(e.requestId);
      assert.ok(row, `${e.what}: row ${e.requestId} exists`);
      const actual: Partial<UsageRow> = {
        endpoint: row.endpoint,
        model_requested: row.model_requested,
        status: row.status,
        stream: row.stream,
        prompt_tokens: row.prompt_tokens,
        completion_tokens: row.completion_tokens,
        key_id: row.key_id,
      };
      assert.deepEqual(actual, {
        endpoint: e.endpoint,
        model_requested: e.model_requested,
        status: e.status,
        stream: e.stream,
        prompt_tokens: e.prompt_tokens,
        completion_tokens: e.completion_tokens,
        key_id: e.key_id,
      }, e.what);
      if (e.model_served !== undefined) assert.equal(row.model_served, e.model_served, `${e.what}: model_served`);
      if (e.status === 200) assert.equal(row.error_code, null, `${e.what}: no error code`);
      else if (e.error_code !== undefined) assert.equal(row.error_code, e.error_code, `${e.what}: error code`);
      if (e.upstream) assert.ok(row.upstream_request_id && upstreamIds.has(row.upstream_request_id), `${e.what}: upstream request id ${row.upstream_request_id}`);
      else assert.equal(row.upstream_request_id, null, `${e.what}: never reached the upstream`);
    }

    assert.equal(totals.requests, expected.length);
    assert.equal(totals.prompt_tokens, expected.reduce((n, e) => n + e.prompt_tokens, 0));
    assert.equal(totals.completion_tokens, expected.reduce((n, e) => n + e.completion_tokens, 0));
  });

  test('an unknown /v1 path is recorded with error_code unknown_url, the code its 404 body carries', async () => {
    const client = await c.client();
    const err = await rejectsWith(() => client.get('/no-such-endpoint'), OpenAI.NotFoundError);
    assert.equal(err.code, 'unknown_url');
    const row = (await usageRows(c.gw)).data.find((r) => r.request_id === err.requestID);
    assert.ok(row, 'the request has a ledger row');
    assert.equal(row.status, 404);
    assert.equal(row.error_code, 'unknown_url', 'every other failed request has its error code in the ledger (and the log line)');
  });

  test('GET /api/usage filters by key and model', async () => {
    const byKey = (await (await c.gw.call(`/api/usage?key_id=${keyId}&limit=1000`)).json()) as { data: UsageRow[] };
    assert.equal(byKey.data.length, expected.filter((e) => e.key_id === keyId).length);
    assert.ok(byKey.data.every((r) => r.key_id === keyId));
    const byModel = (await (await c.gw.call('/api/usage?model=gpt-4.1-mini&limit=1000')).json()) as { data: UsageRow[] };
    assert.equal(byModel.data.length, 2);
    assert.ok(byModel.data.every((r) => r.endpoint === '/v1/responses'));
  });

  test('the upstream key is not in the ledger', async () => {
    const ledgerText = JSON.stringify(await usageRows(c.gw));
    assert.ok(!ledgerText.includes('sk-upstream'), 'nor in the ledger');
  });
});
