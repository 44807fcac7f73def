import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSse } from '../../../test/support/sse.ts';
import { postJson, specOrSkip, useSimulator } from './simulator-test-support.ts';

const ctx = useSimulator();
const url = (path: string): string => `${ctx.sim.url}${path}`;
const MESSAGES = [{ role: 'user', content: 'Plan a three-step migration of a billing database.' }];

type Json = Record<string, any>;

async function post(path: string, body: Json): Promise<Json> {
  const response = await postJson(url(path), body);
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as Json;
}

async function error(path: string, body: Json): Promise<{ status: number; error: Json }> {
  const response = await postJson(url(path), body);
  return { status: response.status, error: ((await response.json()) as { error: Json }).error };
}

test('reasoning_effort: reasoning tokens grow with effort and are billed inside completion tokens', async () => {
  const efforts: Record<string, readonly string[]> = { o3: ['low', 'medium', 'high'], 'gpt-5': ['minimal', 'low', 'medium', 'high'], 'o4-mini': ['low', 'medium', 'high'] };
  for (const [model, levels] of Object.entries(efforts)) {
    let previous = -1;
    for (const effort of levels) {
      const body = await post('/v1/chat/completions', { model, messages: MESSAGES, reasoning_effort: effort });
      const reasoning = body['usage'].completion_tokens_details.reasoning_tokens as number;
      assert.ok(reasoning > previous, `${model} ${effort}: ${reasoning} after ${previous}`);
      previous = reasoning;
      const response = await post('/v1/responses', { model, input: MESSAGES, reasoning: { effort } });
      assert.equal(response['usage'].output_tokens_details.reasoning_tokens, reasoning, 'the same effort costs the same on /v1/responses');
      assert.equal(response['reasoning'].effort, effort);
    }
  }
  // The default is medium.
  const medium = await post('/v1/chat/completions', { model: 'o3', messages: MESSAGES, reasoning_effort: 'medium' });
  const unset = await post('/v1/chat/completions', { model: 'o3', messages: MESSAGES });
  assert.equal(unset['usage'].completion_tokens_details.reasoning_tokens, medium['usage'].completion_tokens_details.reasoning_tokens);
});

test('reasoning_effort is refused as OpenAI refuses it', async () => {
  // On a model that does not reason.
  assert.deepEqual(await error('/v1/chat/completions', { model: 'gpt-4o', messages: MESSAGES, reasoning_effort: 'low' }), {
    status: 400,
    error: { message: 'Unrecognized request argument supplied: reasoning_effort', type: 'invalid_request_error', param: null, code: null },
  });
  assert.deepEqual(await error('/v1/responses', { model: 'gpt-4.1', input: 'x', reasoning: { effort: 'low' } }), {
    status: 400,
    error: { message: "Unsupported parameter: 'reasoning.effort' is not supported with this model.", type: 'invalid_request_error', param: 'reasoning.effort', code: 'unsupported_parameter' },
  });
  // A value the model does not offer.
  assert.deepEqual(await error('/v1/chat/completions', { model: 'gpt-5', messages: MESSAGES, reasoning_effort: 'none' }), {
    status: 400,
    error: {
      message: "Unsupported value: 'reasoning_effort' does not support 'none' with this model. Supported values are: 'minimal', 'low', 'medium', and 'high'.",
      type: 'invalid_request_error',
      param: 'reasoning_effort',
      code: 'unsupported_value',
    },
  });
  assert.equal((await error('/v1/chat/completions', { model: 'o3', messages: MESSAGES, reasoning_effort: 'minimal' })).error['code'], 'unsupported_value');
  // Not a value at all.
  assert.equal((await error('/v1/chat/completions', { model: 'o3', messages: MESSAGES, reasoning_effort: 'max' })).error['code'], 'invalid_value');
});

test('logprobs: one entry per output token, top_logprobs alternatives in descending order', async (t) => {
  const spec = specOrSkip(t);
  const body = await post('/v1/chat/completions', { model: 'gpt-4o', messages: MESSAGES, logprobs: true, top_logprobs: 3 });
  spec?.assertValid('CreateChatCompletionResponse', body);
  const content = body['choices'][0].logprobs.content as Json[];
  assert.equal(content.length, body['usage'].completion_tokens);
  assert.equal(content.map((c) => c['token']).join(''), body['choices'][0].message.content);
  for (const entry of content) {
    assert.ok(entry['logprob'] <= 0);
    assert.deepEqual(entry['bytes'], [...Buffer.from(entry['token'], 'utf8')]);
    assert.equal(entry['top_logprobs'].length, 3);
    assert.equal(entry['top_logprobs'][0].token, entry['token']);
    const values = entry['top_logprobs'].map((x: Json) => x['logprob'] as number);
    assert.deepEqual(values, [...values].sort((a, b) => b - a));
  }
  // Without top_logprobs: tokens only; without logprobs: null.
  const bare = await post('/v1/chat/completions', { model: 'gpt-4o', messages: MESSAGES, logprobs: true });
  assert.deepEqual(bare['choices'][0].logprobs.content[0].top_logprobs, []);
  assert.equal((await post('/v1/chat/completions', { model: 'gpt-4o', messages: MESSAGES }))['choices'][0].logprobs, null);
  // Streamed: each delta carries the logprobs of its own tokens.
  const events = await readSse(await postJson(url('/v1/chat/completions'), { model: 'gpt-4o', messages: MESSAGES, logprobs: true, top_logprobs: 2, stream: true }));
  const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data) as Json);
  for (const chunk of chunks) spec?.assertValid('CreateChatCompletionStreamResponse', chunk);
  for (const chunk of chunks.filter((c) => c['choices'][0]?.delta?.content)) {
    assert.equal(chunk['choices'][0].logprobs.content.map((c: Json) => c['token']).join(''), chunk['choices'][0].delta.content);
  }
  // Refusals.
  assert.equal((await error('/v1/chat/completions', { model: 'gpt-4o', messages: MESSAGES, top_logprobs: 2 })).error['param'], 'top_logprobs');
  assert.equal((await error('/v1/chat/completions', { model: 'o3', messages: MESSAGES, logprobs: true })).error['code'], 'unsupported_parameter');
  assert.equal((await error('/v1/chat/completions', { model: 'gpt-4o', messages: MESSAGES, logprobs: true, top_logprobs: 21 })).status, 400);
});

test('/v1/responses: logprobs on output_text with include and top_logprobs', async (t) => {
  const spec = specOrSkip(t);
  const body = { model: 'gpt-4.1', input: MESSAGES, top_logprobs: 2, include: ['message.output_text.logprobs'] };
  const response = await post('/v1/responses', body);
  spec?.assertValid('Response', response);
  const part = response['output'][0].content[0];
  assert.equal(part.logprobs.map((l: Json) => l['token']).join(''), part.text);
  assert.equal(part.logprobs[0].top_logprobs.length, 2);
  assert.equal(response['top_logprobs'], 2);
  const plain = await post('/v1/responses', { model: 'gpt-4.1', input: MESSAGES });
  assert.deepEqual(plain['output'][0].content[0].logprobs, []);
  const events = (await readSse(await postJson(url('/v1/responses'), { ...body, stream: true }))).map((e) => JSON.parse(e.data) as Json);
  for (const delta of events.filter((e) => e['type'] === 'response.output_text.delta')) {
    spec?.assertValid('ResponseTextDeltaEvent', delta);
    assert.equal(delta['logprobs'].map((l: Json) => l['token']).join(''), delta['delta']);
  }
});

test('n > 1: n choices, usage counts every completion', async () => {
  const body = await post('/v1/chat/completions', { model: 'gpt-4o-mini', messages: MESSAGES, n: 4, logprobs: true });
  assert.equal(body['choices'].length, 4);
  const tokens = body['choices'].reduce((sum: number, c: Json) => sum + c.logprobs.content.length, 0);
  assert.equal(body['usage'].completion_tokens, tokens);
  const reasoning = await post('/v1/chat/completions', { model: 'o4-mini', messages: MESSAGES, n: 2, reasoning_effort: 'low' });
  const single = await post('/v1/chat/completions', { model: 'o4-mini', messages: MESSAGES, reasoning_effort: 'low' });
  assert.equal(reasoning['usage'].completion_tokens_details.reasoning_tokens, 2 * single['usage'].completion_tokens_details.reasoning_tokens);
});
