import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { readSse } from '../../../test/support/sse.ts';
import { postJson, specOrSkip, useSimulator } from './simulator-test-support.ts';

const ctx = useSimulator({ models: ['acme-llama-70b', { id: 'acme-embed', kind: 'embedding', embeddingDimensions: 8 }] });
const url = (path: string): string => `${ctx.sim.url}${path}`;

const notFound = (model: string) => ({
  error: {
    message: `The model \`${model}\` does not exist or you do not have access to it.`,
    type: 'invalid_request_error',
    param: null,
    code: 'model_not_found',
  },
});

/** A valid body for each endpoint, with `model` filled in. */
const BODIES: Array<[string, (model: string) => Record<string, unknown>]> = [
  ['/v1/chat/completions', (model) => ({ model, messages: [{ role: 'user', content: 'hi' }] })],
  ['/v1/responses', (model) => ({ model, input: 'hi' })],
  ['/v1/completions', (model) => ({ model, prompt: 'hi' })],
  ['/v1/embeddings', (model) => ({ model, input: 'hi' })],
  ['/v1/moderations', (model) => ({ model, input: 'hi' })],
];

test('issue 9.16: an unknown model is 404 model_not_found on every endpoint, streamed or not', async (t) => {
  const spec = specOrSkip(t);
  // Ids are exact, as at OpenAI: case and surrounding spaces make another (unknown) id.
  for (const model of ['no-such-model', 'GPT-4O-MINI', ' gpt-4o', 'gpt-4o ', 'ft:gpt-4o-mini:acme::x']) {
    for (const [path, body] of BODIES) {
      for (const stream of path === '/v1/embeddings' || path === '/v1/moderations' ? [false] : [false, true]) {
        const response = await postJson(url(path), { ...body(model), ...(stream ? { stream } : {}) });
        assert.equal(response.status, 404, `${path} ${model} stream=${stream}`);
        assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
        const error = await response.json();
        assert.deepEqual(error, notFound(model), `${path} ${model}`);
        spec?.assertValid('ErrorResponse', error);
      }
    }
    const retrieved = await fetch(url(`/v1/models/${encodeURIComponent(model)}`));
    assert.equal(retrieved.status, 404);
    assert.deepEqual(await retrieved.json(), notFound(model));
  }
});

test('the official SDK raises NotFoundError with code model_not_found', async () => {
  const client = new OpenAI({ baseURL: url('/v1'), apiKey: 'x', maxRetries: 0 });
  await assert.rejects(
    client.chat.completions.create({ model: 'gpt-4o-mini-typo', messages: [{ role: 'user', content: 'hi' }], stream: true }),
    (error: unknown) => error instanceof OpenAI.NotFoundError && error.code === 'model_not_found',
  );
});

test('a known model on the wrong endpoint is refused as OpenAI refuses it', async () => {
  const chat = await postJson(url('/v1/chat/completions'), BODIES[0]![1]('gpt-3.5-turbo-instruct'));
  assert.equal(chat.status, 404);
  assert.match(((await chat.json()) as { error: { message: string } }).error.message, /^This is not a chat model/);
  const legacy = await postJson(url('/v1/completions'), BODIES[2]![1]('gpt-4o'));
  assert.equal(legacy.status, 404);
  assert.match(((await legacy.json()) as { error: { message: string } }).error.message, /^This is a chat model/);
  const embed = await postJson(url('/v1/embeddings'), BODIES[3]![1]('gpt-4o'));
  assert.equal(embed.status, 400);
});

test('models added with the `models` option are served, listed and retrievable', async () => {
  const chat = await postJson(url('/v1/chat/completions'), BODIES[0]![1]('acme-llama-70b'));
  assert.equal(chat.status, 200);
  assert.equal(((await chat.json()) as { model: string }).model, 'acme-llama-70b');
  const embedded = (await (await postJson(url('/v1/embeddings'), { model: 'acme-embed', input: 'x' })).json()) as { data: Array<{ embedding: number[] }> };
  assert.equal(embedded.data[0]?.embedding.length, 8);
  const list = (await (await fetch(url('/v1/models'))).json()) as { data: Array<{ id: string }> };
  assert.ok(list.data.some((m) => m.id === 'acme-llama-70b'));
  assert.equal((await fetch(url('/v1/models/acme-llama-70b'))).status, 200);
});

test('issue 9.18: aliases report their dated snapshot on every endpoint and in every chunk', async () => {
  const snapshots: Array<[string, string]> = [
    ['gpt-4o', 'gpt-4o-2024-08-06'],
    ['gpt-4o-mini', 'gpt-4o-mini-2024-07-18'],
    ['gpt-4.1', 'gpt-4.1-2025-04-14'],
    ['o3', 'o3-2025-04-16'],
    ['o4-mini', 'o4-mini-2025-04-16'],
    ['gpt-5', 'gpt-5-2025-08-07'],
    ['gpt-5-nano', 'gpt-5-nano-2025-08-07'],
    ['gpt-3.5-turbo', 'gpt-3.5-turbo-0125'],
    // A snapshot reports itself.
    ['gpt-4o-2024-08-06', 'gpt-4o-2024-08-06'],
  ];
  for (const [alias, snapshot] of snapshots) {
    const chat = (await (await postJson(url('/v1/chat/completions'), BODIES[0]![1](alias))).json()) as { model: string };
    assert.equal(chat.model, snapshot, alias);
    const response = (await (await postJson(url('/v1/responses'), BODIES[1]![1](alias))).json()) as { model: string };
    assert.equal(response.model, snapshot, alias);
    const chunks = await readSse(await postJson(url('/v1/chat/completions'), { ...BODIES[0]![1](alias), stream: true, stream_options: { include_usage: true } }));
    for (const event of chunks.slice(0, -1)) assert.equal((JSON.parse(event.data) as { model: string }).model, snapshot);
    const events = await readSse(await postJson(url('/v1/responses'), { ...BODIES[1]![1](alias), stream: true }));
    const completed = JSON.parse(events.at(-1)!.data) as { response: { model: string } };
    assert.equal(completed.response.model, snapshot);
  }
  // Models without snapshots echo their id, as OpenAI does.
  const embedding = (await (await postJson(url('/v1/embeddings'), BODIES[3]![1]('text-embedding-3-small'))).json()) as { model: string };
  assert.equal(embedding.model, 'text-embedding-3-small');
  const legacy = (await (await postJson(url('/v1/completions'), BODIES[2]![1]('gpt-3.5-turbo-instruct'))).json()) as { model: string };
  assert.equal(legacy.model, 'gpt-3.5-turbo-instruct');
});
