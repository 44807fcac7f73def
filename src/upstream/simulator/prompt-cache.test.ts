import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PromptCache, promptBlocks } from './prompt-cache.ts';
import { readSse } from '../../../test/support/sse.ts';
import { postJson, useSimulator } from './simulator-test-support.ts';

const ctx = useSimulator();
const url = (path: string): string => `${ctx.sim.url}${path}`;

type Json = Record<string, any>;

/** A system prompt of well over 1,024 tokens, different per `tag` from its first words on. */
const longPrompt = (tag: string): string =>
  `${tag}: You are the support assistant of a toll road operator. `.repeat(3) + 'Answer politely and cite the tariff rules where they apply. '.repeat(140);

async function usageOf(body: Json): Promise<Json> {
  const response = await postJson(url('/v1/chat/completions'), body);
  assert.equal(response.status, 200, await response.clone().text());
  return ((await response.json()) as Json)['usage'];
}

test('a repeated long prefix is cached in 128-token steps from 1,024 tokens on', async () => {
  const system = { role: 'system', content: longPrompt('A') };
  const first = await usageOf({ model: 'gpt-4o', messages: [system, { role: 'user', content: 'When is the toll charged?' }] });
  assert.ok(first.prompt_tokens >= 1400);
  assert.equal(first.prompt_tokens_details.cached_tokens, 0, 'nothing is cached on first sight');
  // Same prefix, different question: the shared prefix (not the whole prompt) is cached.
  const second = await usageOf({ model: 'gpt-4o', messages: [system, { role: 'user', content: 'Do motorcycles pay less?' }] });
  const cached = second.prompt_tokens_details.cached_tokens;
  assert.ok(cached >= 1024 && cached % 128 === 0, String(cached));
  assert.ok(cached < second.prompt_tokens);
  assert.ok(second.prompt_tokens - cached < 128 + 20, 'everything but the differing tail and the partial block');
  // A repeat of the first request caches at least as much.
  const third = await usageOf({ model: 'gpt-4o', messages: [system, { role: 'user', content: 'When is the toll charged?' }] });
  assert.ok(third.prompt_tokens_details.cached_tokens >= cached);
});

test('short prompts, another model, another prompt_cache_key or another prefix do not hit', async () => {
  const short = [{ role: 'user', content: 'Hello there.' }];
  await usageOf({ model: 'gpt-4o', messages: short });
  assert.equal((await usageOf({ model: 'gpt-4o', messages: short })).prompt_tokens_details.cached_tokens, 0);

  const messages = [{ role: 'system', content: longPrompt('B') }, { role: 'user', content: 'hi' }];
  await usageOf({ model: 'gpt-4o', messages, prompt_cache_key: 'tenant-1' });
  assert.ok((await usageOf({ model: 'gpt-4o', messages, prompt_cache_key: 'tenant-1' })).prompt_tokens_details.cached_tokens >= 1024);
  assert.equal((await usageOf({ model: 'gpt-4o', messages, prompt_cache_key: 'tenant-2' })).prompt_tokens_details.cached_tokens, 0);
  assert.equal((await usageOf({ model: 'gpt-4o-mini', messages, prompt_cache_key: 'tenant-1' })).prompt_tokens_details.cached_tokens, 0);
  const otherStart = [{ role: 'system', content: longPrompt('C') }, { role: 'user', content: 'hi' }];
  assert.equal((await usageOf({ model: 'gpt-4o', messages: otherStart, prompt_cache_key: 'tenant-1' })).prompt_tokens_details.cached_tokens, 0);
});

test('the streamed usage chunk and /v1/responses report cached tokens too', async () => {
  const input = [{ role: 'system', content: longPrompt('D') }, { role: 'user', content: 'hi' }];
  await usageOf({ model: 'gpt-4.1', messages: input });
  const events = await readSse(await postJson(url('/v1/chat/completions'), { model: 'gpt-4.1', messages: input, stream: true, stream_options: { include_usage: true } }));
  const usage = (JSON.parse(events.at(-2)!.data) as Json)['usage'];
  assert.ok(usage.prompt_tokens_details.cached_tokens >= 1024);
  const responses = async (): Promise<Json> => (await (await postJson(url('/v1/responses'), { model: 'gpt-4.1', input, prompt_cache_key: 'r' })).json()) as Json;
  const first = await responses();
  assert.equal(first['usage'].input_tokens_details.cached_tokens, 0);
  assert.equal(first['prompt_cache_key'], 'r');
  const second = await responses();
  assert.ok(second['usage'].input_tokens_details.cached_tokens >= 1024);
  assert.equal(second['usage'].input_tokens, first['usage'].input_tokens);
});

test('entries expire after 10 minutes unused, or 24 hours with prompt_cache_retention 24h', () => {
  let now = 0;
  const cache = new PromptCache(() => now);
  const tokens = Array.from({ length: 1500 }, (_, i) => i);
  const blocks = promptBlocks(tokens, { model: 'm', promptCacheKey: undefined, extendedRetention: false });
  assert.equal(blocks.length, 11);
  assert.equal(cache.use(blocks, false), 0);
  now += 9 * 60_000;
  assert.equal(cache.use(blocks, false), 1408);
  now += 11 * 60_000;
  assert.equal(cache.use(blocks, false), 0, 'expired');
  cache.use(blocks, true);
  now += 23 * 60 * 60_000;
  assert.equal(cache.use(blocks, false), 1408);
  assert.deepEqual(promptBlocks(tokens.slice(0, 1023), { model: 'm', promptCacheKey: undefined, extendedRetention: false }), []);
});
