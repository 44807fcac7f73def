// Legacy completions, embeddings, moderations and models.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { countText } from './token-counter.ts';
import { readSse } from '../../../test/support/sse.ts';
import { postJson, specOrSkip, useSimulator } from './simulator-test-support.ts';

const ctx = useSimulator();
type Json = Record<string, any>;

async function post(path: string, body: unknown, expectedStatus = 200): Promise<Json> {
  const response = await postJson(`${ctx.sim.url}${path}`, body);
  assert.equal(response.status, expectedStatus, await response.clone().text());
  return (await response.json()) as Json;
}

function norm(vector: number[]): number {
  return Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));
}

test('legacy completions: text, default max_tokens, usage, echo', async () => {
  const body = await post('/v1/completions', { model: 'gpt-3.5-turbo-instruct', prompt: 'Say hello', max_tokens: 200 });
  assert.equal(body['object'], 'text_completion');
  assert.match(body['id'], /^cmpl-/);
  const text = body['choices'][0].text as string;
  assert.equal(body['choices'][0].finish_reason, 'stop');
  assert.equal(body['usage'].prompt_tokens, countText('Say hello', 'cl100k_base'));
  assert.equal(body['usage'].completion_tokens, countText(text, 'cl100k_base'));

  const capped = await post('/v1/completions', { model: 'gpt-3.5-turbo-instruct', prompt: 'Say hello' });
  assert.equal(capped['usage'].completion_tokens, 16, 'the legacy default max_tokens is 16');
  assert.equal(capped['choices'][0].finish_reason, 'length');

  const multi = await post('/v1/completions', { model: 'gpt-3.5-turbo-instruct', prompt: ['a', 'b'], n: 2, echo: true });
  assert.deepEqual(multi['choices'].map((c: Json) => c['index']), [0, 1, 2, 3]);
  assert.ok((multi['choices'][2].text as string).startsWith('b'));
});

test('legacy completions stream', async () => {
  const response = await postJson(`${ctx.sim.url}/v1/completions`, {
    model: 'gpt-3.5-turbo-instruct',
    prompt: 'Say hello',
    max_tokens: 200,
    stream: true,
    stream_options: { include_usage: true },
  });
  const events = await readSse(response);
  assert.equal(events.at(-1)?.data, '[DONE]');
  const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data) as Json);
  const usage = chunks.at(-1)?.['usage'];
  const text = chunks.slice(0, -1).map((c) => c['choices'][0].text).join('');
  assert.equal(usage.completion_tokens, countText(text, 'cl100k_base'));
  assert.equal(chunks.at(-2)?.['choices'][0].finish_reason, 'stop');
});

test('embeddings: dimensions, unit norm, determinism, batch input', async () => {
  const small = await post('/v1/embeddings', { model: 'text-embedding-3-small', input: 'hello world' });
  const vector = small['data'][0].embedding as number[];
  assert.equal(vector.length, 1536);
  assert.ok(Math.abs(norm(vector) - 1) < 1e-5);
  assert.equal(small['usage'].prompt_tokens, countText('hello world', 'cl100k_base'));

  const again = await post('/v1/embeddings', { model: 'text-embedding-3-small', input: 'hello world' });
  assert.deepEqual(again['data'][0].embedding, vector);

  const large = await post('/v1/embeddings', { model: 'text-embedding-3-large', input: 'hello world' });
  assert.equal(large['data'][0].embedding.length, 3072);
  const ada = await post('/v1/embeddings', { model: 'text-embedding-ada-002', input: 'hello world' });
  assert.equal(ada['data'][0].embedding.length, 1536);

  const short = await post('/v1/embeddings', { model: 'text-embedding-3-large', input: 'hello world', dimensions: 256 });
  assert.equal(short['data'][0].embedding.length, 256);
  assert.ok(Math.abs(norm(short['data'][0].embedding) - 1) < 1e-5);

  const batch = await post('/v1/embeddings', { model: 'text-embedding-3-small', input: ['one', 'two', 'three'] });
  assert.deepEqual(batch['data'].map((d: Json) => d['index']), [0, 1, 2]);
  const tokens = await post('/v1/embeddings', { model: 'text-embedding-3-small', input: [[1, 2, 3], [4, 5]] });
  assert.equal(tokens['usage'].prompt_tokens, 5);

  await post('/v1/embeddings', { model: 'text-embedding-ada-002', input: 'x', dimensions: 8 }, 400);
  await post('/v1/embeddings', { model: 'text-embedding-3-small', input: 'x', dimensions: 5000 }, 400);
  await post('/v1/embeddings', { model: 'text-embedding-3-small', input: '' }, 400);
  await post('/v1/embeddings', { model: 'text-embedding-3-small' }, 400);
});

test('embeddings: base64 is little-endian float32 of the float vector', async () => {
  const floats = await post('/v1/embeddings', { model: 'text-embedding-3-small', input: 'b64', encoding_format: 'float' });
  const encoded = await post('/v1/embeddings', { model: 'text-embedding-3-small', input: 'b64', encoding_format: 'base64' });
  const bytes = Buffer.from(encoded['data'][0].embedding as string, 'base64');
  assert.equal(bytes.length, 1536 * 4);
  const decoded = Array.from({ length: 1536 }, (_, i) => bytes.readFloatLE(i * 4));
  assert.deepEqual(decoded, floats['data'][0].embedding);

  // The SDK asks for base64 by default and decodes it back to numbers.
  const client = new OpenAI({ baseURL: `${ctx.sim.url}/v1`, apiKey: 'x', maxRetries: 0 });
  const viaSdk = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'b64' });
  assert.deepEqual(viaSdk.data[0]?.embedding, floats['data'][0].embedding);
});

test('moderations: trigger words, markers, arrays and multimodal input', async () => {
  const single = await post('/v1/moderations', { input: 'I will kill the process.' });
  assert.equal(single['model'], 'omni-moderation-latest');
  assert.match(single['id'], /^modr-/);
  assert.equal(single['results'][0].flagged, true);
  assert.equal(single['results'][0].categories.violence, true);
  assert.ok(single['results'][0].category_scores.violence > 0.5);

  const batch = await post('/v1/moderations', { input: ['Have a nice day', 'tollgate-flag:self-harm/intent'] });
  assert.equal(batch['results'].length, 2);
  assert.equal(batch['results'][0].flagged, false);
  assert.equal(batch['results'][1].categories['self-harm/intent'], true);

  const multimodal = await post('/v1/moderations', {
    model: 'omni-moderation-latest',
    input: [
      { type: 'text', text: 'describe' },
      { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
    ],
  });
  assert.equal(multimodal['results'].length, 1);
  assert.deepEqual(multimodal['results'][0].category_applied_input_types.violence, ['text', 'image']);
  assert.deepEqual(multimodal['results'][0].category_applied_input_types.hate, ['text']);

  const client = new OpenAI({ baseURL: `${ctx.sim.url}/v1`, apiKey: 'x', maxRetries: 0 });
  const viaSdk = await client.moderations.create({ input: 'you idiot' });
  assert.equal(viaSdk.results[0]?.categories.harassment, true);
});

test('models: list, retrieve and 404', async () => {
  const list = (await (await fetch(`${ctx.sim.url}/v1/models`)).json()) as Json;
  assert.equal(list['object'], 'list');
  const ids = (list['data'] as Json[]).map((m) => m['id']);
  for (const id of ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano', 'o3', 'o4-mini', 'gpt-5', 'gpt-5-mini',
    'gpt-3.5-turbo', 'gpt-4', 'text-embedding-3-small', 'text-embedding-3-large', 'text-embedding-ada-002',
    'omni-moderation-latest', 'gpt-3.5-turbo-instruct']) {
    assert.ok(ids.includes(id), id);
  }
  for (const model of list['data'] as Json[]) assert.equal(model['owned_by'], 'tollgate-simulator');

  const one = await fetch(`${ctx.sim.url}/v1/models/gpt-4o`);
  assert.equal(one.status, 200);
  assert.deepEqual(await one.json(), { id: 'gpt-4o', object: 'model', created: 1715367049, owned_by: 'tollgate-simulator' });

  const missing = await fetch(`${ctx.sim.url}/v1/models/no-such-model`);
  assert.equal(missing.status, 404);
  const error = (await missing.json()) as Json;
  assert.equal(error['error'].code, 'model_not_found');
  assert.equal(error['error'].type, 'invalid_request_error');

  const client = new OpenAI({ baseURL: `${ctx.sim.url}/v1`, apiKey: 'x', maxRetries: 0 });
  const page = await client.models.list();
  assert.ok(page.data.some((m) => m.id === 'o3'));
  assert.equal((await client.models.retrieve('o3')).id, 'o3');
});

test('bodies validate against the OpenAPI schemas', async (t) => {
  const spec = specOrSkip(t);
  if (spec === undefined) return;
  spec.assertValid('CreateCompletionResponse', await post('/v1/completions', { model: 'gpt-3.5-turbo-instruct', prompt: ['a', 'b'], n: 2 }));
  const response = await postJson(`${ctx.sim.url}/v1/completions`, {
    model: 'gpt-3.5-turbo-instruct', prompt: 'x', stream: true, stream_options: { include_usage: true },
  });
  for (const event of (await readSse(response)).slice(0, -1)) {
    const chunk = JSON.parse(event.data) as Json;
    // Known spec gap: the live API streams `finish_reason: null` until the last
    // chunk, but the spec reuses the non-nullable CreateCompletionResponse for
    // chunks. Check everything else strictly.
    for (const choice of chunk['choices'] as Json[]) {
      if (choice['finish_reason'] === null) choice['finish_reason'] = 'stop';
    }
    spec.assertValid('CreateCompletionResponse', chunk);
  }

  spec.assertValid('CreateEmbeddingResponse', await post('/v1/embeddings', { model: 'text-embedding-3-small', input: ['a', 'b'] }));
  spec.assertValid('CreateModerationResponse', await post('/v1/moderations', { input: ['kill', 'fine'] }));
  spec.assertValid('CreateModerationResponse', await post('/v1/moderations', {
    input: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }],
  }));
  spec.assertValid('ListModelsResponse', await (await fetch(`${ctx.sim.url}/v1/models`)).json());
  spec.assertValid('Model', await (await fetch(`${ctx.sim.url}/v1/models/gpt-4o`)).json());
  spec.assertValid('ErrorResponse', await (await fetch(`${ctx.sim.url}/v1/models/nope`)).json());
});
