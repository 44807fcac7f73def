import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { storeKinds, type TestStore } from '../support/stores.ts';
import { loadConfig } from '../../src/config/index.ts';

// Issue 11.7: the response cache in the /v1 pipeline. Deterministic requests (temperature 0, a
// seed, or `x-tollgate-cache: on`) are answered again from the stored answer of the same
// organization, as JSON or as a stream the official SDK reads; a hit costs nothing and records the
// saving; `off` bypasses; a bad header value is a 400 in OpenAI's shape.

interface UsageView {
  cost_usd: string | null;
  cache_status: string | null;
  cache_saved_usd: string;
  prompt_tokens: number;
  completion_tokens: number;
  upstream_request_id: string | null;
  model_served: string | null;
}

const STATUS = 'x-tollgate-cache-status';

describe('response cache in the gateway (issue 11.7)', () => {
  let gw: TestGateway;
  let client: OpenAI;
  /** Requests that reached the upstream (the simulator) so far. */
  const upstreamCalls = () => gw.sim.requests.length;
  const row = async (requestId: string) => (await (await gw.call(`/api/usage/${requestId}`)).json()) as UsageView;
  /** A question no other test asks, so each test starts with an empty cache for it. */
  let n = 0;
  const question = (what = 'caches') => `Question ${++n} about ${what}: what do they keep?`;

  before(async () => {
    gw = await startGateway({ env: { TOLLGATE_CACHE: 'on' } });
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.adminKey, maxRetries: 0 });
  });
  after(() => gw.close());

  test('a deterministic request is a miss, then a hit with the same answer and no upstream call; off bypasses', async () => {
    const body = { model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user' as const, content: question() }] };
    const first = await client.chat.completions.create(body).withResponse();
    assert.equal(first.response.headers.get(STATUS), 'miss');
    const calls = upstreamCalls();

    const second = await client.chat.completions.create(body).withResponse();
    assert.equal(second.response.headers.get(STATUS), 'hit');
    assert.equal(upstreamCalls(), calls, 'a hit does not call the upstream');
    assert.equal(second.data.choices[0]!.message.content, first.data.choices[0]!.message.content);
    assert.equal(second.data.id, first.data.id, 'the stored answer, as it was');
    // Tollgate's own request id, never the first request's; no upstream header of another request.
    assert.notEqual(second.response.headers.get('x-request-id'), first.response.headers.get('x-request-id'));
    assert.match(second.response.headers.get('age') ?? '', /^\d+$/);
    for (const h of ['x-ratelimit-remaining-requests', 'x-ratelimit-remaining-tokens', 'openai-processing-ms']) assert.equal(second.response.headers.get(h), null, h);

    // Key order and delivery fields do not change the key.
    const reordered = await gw.call('/v1/chat/completions', { body: { messages: body.messages, temperature: 0, user: 'someone', model: 'gpt-4o-mini' } });
    assert.equal(reordered.headers.get(STATUS), 'hit');

    const off = await client.chat.completions.create(body, { headers: { 'x-tollgate-cache': 'off' } }).withResponse();
    assert.equal(off.response.headers.get(STATUS), 'bypass');
    assert.equal(upstreamCalls(), calls + 1, 'off went upstream');
  });

  test('a non-deterministic request is never cached unless the caller opts in', async () => {
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: question() }] };
    for (const temperature of [undefined, 0.7]) {
      const b = temperature === undefined ? body : { ...body, temperature };
      const calls = upstreamCalls();
      for (let i = 0; i < 2; i++) {
        const r = await client.chat.completions.create(b).withResponse();
        assert.equal(r.response.headers.get(STATUS), 'bypass');
      }
      assert.equal(upstreamCalls(), calls + 2, 'both went upstream');
    }
    const on = { headers: { 'x-tollgate-cache': 'on' } };
    assert.equal((await client.chat.completions.create({ ...body, temperature: 0.7 }, on).withResponse()).response.headers.get(STATUS), 'miss');
    assert.equal((await client.chat.completions.create({ ...body, temperature: 0.7 }, on).withResponse()).response.headers.get(STATUS), 'hit');
    // An integer seed makes a request deterministic enough to cache.
    const seeded = { ...body, messages: [{ role: 'user' as const, content: question() }], seed: 42 };
    assert.equal((await client.chat.completions.create(seeded).withResponse()).response.headers.get(STATUS), 'miss');
    assert.equal((await client.chat.completions.create(seeded).withResponse()).response.headers.get(STATUS), 'hit');
  });

  test('one organization never gets another organization\'s cached answer', async () => {
    const ctx = { actorId: 'system', orgId: '' };
    const org = await gw.tg.directory.createOrg('Other tenant', ctx);
    const owner = await gw.tg.directory.createUser({ orgId: org.id, email: 'owner@other.example', name: 'Other', orgRole: 'owner' }, { ...ctx, orgId: org.id });
    const { secret } = await gw.tg.keys.create({ name: 'other tenant key', orgId: org.id, userId: owner.id }, { ...ctx, orgId: org.id });
    const other = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: secret, maxRetries: 0 });

    const body = { model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user' as const, content: question('tenants') }] };
    assert.equal((await client.chat.completions.create(body).withResponse()).response.headers.get(STATUS), 'miss');
    assert.equal((await client.chat.completions.create(body).withResponse()).response.headers.get(STATUS), 'hit');
    const calls = upstreamCalls();
    const theirs = await other.chat.completions.create(body).withResponse();
    assert.equal(theirs.response.headers.get(STATUS), 'miss', 'the same request from another organization is not served the first one\'s answer');
    assert.equal(upstreamCalls(), calls + 1);
    assert.equal((await other.chat.completions.create(body).withResponse()).response.headers.get(STATUS), 'hit', 'each organization has its own entry');
  });

  test('a streamed answer is stored and served again as a valid stream the SDK assembles into the same text', async () => {
    const body = { model: 'gpt-4o-mini', temperature: 0, max_tokens: 120, messages: [{ role: 'user' as const, content: question('streams, with ünïcödé 🚀') }] };
    const read = async () => {
      const { data, response } = await client.chat.completions.create({ ...body, stream: true }).withResponse();
      let text = '';
      for await (const chunk of data) text += chunk.choices[0]?.delta?.content ?? '';
      return { text, status: response.headers.get(STATUS), requestId: response.headers.get('x-request-id')! };
    };
    const first = await read();
    assert.equal(first.status, 'miss');
    assert.ok(first.text.length > 0);
    const calls = upstreamCalls();
    const second = await read();
    assert.equal(second.status, 'hit');
    assert.equal(second.text, first.text);
    assert.equal(upstreamCalls(), calls);

    // The helper API too: the final completion, its finish reason, and the usage chunk when asked.
    const stream = client.chat.completions.stream({ ...body, stream_options: { include_usage: true } });
    let usageChunks = 0;
    for await (const chunk of stream) if (chunk.usage) usageChunks++;
    const final = await stream.finalChatCompletion();
    assert.equal(final.choices[0]!.message.content, first.text);
    assert.equal(final.choices[0]!.finish_reason, 'stop');
    assert.equal(usageChunks, 1);
    assert.ok(final.usage && final.usage.completion_tokens > 0, 'the stored answer kept its usage');

    // The same answer, asked for as JSON.
    const json = await client.chat.completions.create(body).withResponse();
    assert.equal(json.response.headers.get(STATUS), 'hit');
    assert.equal(json.data.choices[0]!.message.content, first.text);
    assert.equal(upstreamCalls(), calls);
  });

  test('a streamed tool call is stored and served as JSON with the same calls', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];
    const body = { model: 'gpt-4o-mini', temperature: 0, tools, tool_choice: 'required' as const, messages: [{ role: 'user' as const, content: question('the weather in Oslo') }] };
    const streamed = await client.chat.completions.stream(body).finalChatCompletion();
    const calls = streamed.choices[0]!.message.tool_calls!;
    assert.ok(calls.length > 0, 'the simulator called a tool');
    const json = await client.chat.completions.create(body).withResponse();
    assert.equal(json.response.headers.get(STATUS), 'hit');
    const pick = (c: readonly OpenAI.Chat.ChatCompletionMessageToolCall[]) => c.map((x) => x.type === 'function' && { id: x.id, name: x.function.name, arguments: x.function.arguments });
    assert.deepEqual(pick(json.data.choices[0]!.message.tool_calls!), pick(calls));
    assert.equal(json.data.choices[0]!.finish_reason, 'tool_calls');
  });

  test('a Responses API answer stored as JSON is served to a streamed request as typed events', async () => {
    const body = { model: 'gpt-4o-mini', temperature: 0, input: question('responses') };
    const first = await client.responses.create(body).withResponse();
    assert.equal(first.response.headers.get(STATUS), 'miss');
    const calls = upstreamCalls();
    const stream = client.responses.stream(body);
    let deltas = '';
    for await (const event of stream) if (event.type === 'response.output_text.delta') deltas += event.delta;
    const final = await stream.finalResponse();
    assert.equal(deltas, first.data.output_text);
    assert.equal(final.output_text, first.data.output_text);
    assert.equal(final.status, 'completed');
    assert.equal(upstreamCalls(), calls);

    // And the other way: a streamed answer, stored from its response.completed event, served as JSON.
    const other = { ...body, input: question('responses streamed first') };
    let streamed = '';
    for await (const event of await client.responses.create({ ...other, stream: true })) if (event.type === 'response.output_text.delta') streamed += event.delta;
    const json = await client.responses.create(other).withResponse();
    assert.equal(json.response.headers.get(STATUS), 'hit');
    assert.equal(json.data.output_text, streamed);
  });

  test('a hit costs nothing in the ledger and records what the answer cost as the saving', async () => {
    const body = { model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user' as const, content: question('money') }] };
    const miss = await gw.call('/v1/chat/completions', { body });
    await miss.text();
    const hit = await gw.call('/v1/chat/completions', { body });
    await hit.text();
    assert.equal(hit.headers.get(STATUS), 'hit');
    assert.equal(hit.headers.get('x-tollgate-cost-usd'), '0.00');
    const missRow = await row(miss.headers.get('x-request-id')!);
    const hitRow = await row(hit.headers.get('x-request-id')!);
    assert.equal(missRow.cache_status, 'miss');
    assert.ok(Number(missRow.cost_usd) > 0);
    assert.equal(missRow.cache_saved_usd, '0.00');
    assert.equal(hitRow.cache_status, 'hit');
    assert.equal(hitRow.cost_usd, '0.00');
    assert.equal(hitRow.cache_saved_usd, missRow.cost_usd, 'the saving is what the stored answer cost');
    assert.equal(hitRow.prompt_tokens + hitRow.completion_tokens, 0, 'no tokens were used upstream');
    assert.equal(hitRow.upstream_request_id, null);
    assert.equal(hitRow.model_served, missRow.model_served);
    // A streamed hit too: its trailer says 0 and its row costs 0.
    const streamed = await gw.call('/v1/chat/completions', { body: { ...body, stream: true } });
    await streamed.text();
    const streamedRow = await row(streamed.headers.get('x-request-id')!);
    assert.deepEqual([streamedRow.cache_status, streamedRow.cost_usd, streamedRow.cache_saved_usd], ['hit', '0.00', missRow.cost_usd]);
  });

  test('a caller whose budget is spent is refused, even for an answer in the cache', async () => {
    const body = { model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user' as const, content: question('budgets') }] };
    assert.equal((await gw.call('/v1/chat/completions', { body })).headers.get(STATUS), 'miss');
    const k = (await (await gw.call('/api/keys', { body: { name: 'spent', kind: 'service', team_id: gw.tg.home.defaultTeam.id, role: 'member' } })).json()) as { id: string; key: string };
    const b = await gw.call('/api/budgets', { body: { scope: 'key', scope_id: k.id, period: 'total', limit_usd: '0.000000001' } });
    assert.equal(b.status, 201);
    const spent = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: k.key, maxRetries: 0 });
    const err = await spent.chat.completions.create(body).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof OpenAI.APIError, String(err));
    assert.equal(err.status, 429);
    assert.equal(err.code, 'budget_exceeded');
    assert.equal(err.headers?.get(STATUS) ?? null, null, 'refused before the cache was consulted');
  });

  test('a bad x-tollgate-cache value is a 400 in OpenAI\'s error shape naming the header', async () => {
    const body = { model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user' as const, content: question() }] };
    for (const value of ['maybe', 'yes', '']) {
      const res = await gw.call('/v1/chat/completions', { body, headers: { 'x-tollgate-cache': value } });
      assert.equal(res.status, 400, value);
      const { error } = (await res.json()) as { error: { message: string; type: string; param: string | null; code: string } };
      assert.equal(error.type, 'invalid_request_error');
      assert.equal(error.code, 'invalid_header');
      assert.equal(error.param, 'x-tollgate-cache');
      assert.match(error.message, /x-tollgate-cache/);
      assert.match(error.message, /'on' or 'off'/);
    }
    const err = await client.chat.completions.create(body, { headers: { 'x-tollgate-cache': 'maybe' } }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof OpenAI.BadRequestError);
  });

  test('an answer that did not complete is not stored', async () => {
    // The simulator's stream broken mid-way (socket destroyed after two events) is not stored.
    const body = { model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user' as const, content: question('broken streams') }], stream: true };
    gw.sim.faults.push({ kind: 'break', after_chunks: 2 });
    const broken = await gw.call('/v1/chat/completions', { body });
    const text = await broken.text();
    assert.equal(broken.headers.get(STATUS), 'miss');
    assert.doesNotMatch(text, /\[DONE\]/, 'the stream was cut');
    const again = await gw.call('/v1/chat/completions', { body });
    await again.text();
    assert.equal(again.headers.get(STATUS), 'miss', 'the cut answer was not stored');
  });
});

describe('response cache off (the default)', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway();
  });
  after(() => gw.close());

  test('no status header and no caching; a bad header value is still refused', async () => {
    const body = { model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user', content: 'Is the cache on?' }] };
    const calls = gw.sim.requests.length;
    for (let i = 0; i < 2; i++) {
      const res = await gw.call('/v1/chat/completions', { body });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get(STATUS), null);
    }
    assert.equal(gw.sim.requests.length, calls + 2);
    assert.equal((await gw.call('/v1/chat/completions', { body, headers: { 'x-tollgate-cache': 'maybe' } })).status, 400);
  });
});

for (const kind of storeKinds().filter((k) => k.name === 'postgres')) {
  describe(`response cache ledger columns on ${kind.name}`, () => {
    let gw: TestGateway;
    let store: TestStore;
    before(async () => {
      store = await kind.create();
      gw = await startGateway({ store, env: { TOLLGATE_CACHE: 'on' } });
    });
    after(async () => {
      await gw.close();
      await store.dispose();
    });

    test('a hit row costs 0 and records the saving', async () => {
      const body = { model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user', content: 'Ledger on PostgreSQL?' }] };
      const miss = await gw.call('/v1/chat/completions', { body });
      await miss.text();
      const hit = await gw.call('/v1/chat/completions', { body });
      await hit.text();
      const row = async (id: string) => (await (await gw.call(`/api/usage/${id}`)).json()) as UsageView;
      const [m, h] = [await row(miss.headers.get('x-request-id')!), await row(hit.headers.get('x-request-id')!)];
      assert.equal(m.cache_status, 'miss');
      assert.deepEqual([h.cache_status, h.cost_usd, h.cache_saved_usd], ['hit', '0.00', m.cost_usd]);
      assert.ok(Number(m.cost_usd) > 0);
    });
  });
}

test('cache.adapter redis without a Redis URL is refused at start, naming the setting to set', () => {
  assert.throws(() => loadConfig({ TOLLGATE_CACHE: 'on', TOLLGATE_CACHE_ADAPTER: 'redis' }, { findFile: false }), /TOLLGATE_CACHE_ADAPTER: redis needs store\.redis_url \(REDIS_URL\)/);
  assert.equal(loadConfig({ TOLLGATE_CACHE: 'on', REDIS_URL: 'redis://127.0.0.1:6379/2' }, { findFile: false }).cache.redis_url, 'redis://127.0.0.1:6379/2');
});
