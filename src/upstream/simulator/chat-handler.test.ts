import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { promptTokenSequence } from './prompt-tokens.ts';
import { countText } from './token-counter.ts';
import { readSse } from '../../../test/support/sse.ts';
import { postJson, specOrSkip, useSimulator } from './simulator-test-support.ts';

const ctx = useSimulator();
const ajv = new Ajv2020({ strict: false });

/** The simulator's own counts (independent checks against OpenAI's tokenizer live in test/simulator). */
const countTextTokens = (text: string, model: string): number => countText(text, /^gpt-(4|3\.5)(?!o|\.)/.test(model) ? 'cl100k_base' : 'o200k_base');
const countChatPromptTokens = (messages: Array<Record<string, unknown>>, model: string): number =>
  promptTokenSequence(messages, [], /^gpt-(4|3\.5)(?!o|\.)/.test(model) ? 'cl100k_base' : 'o200k_base', model).length;
const chatUrl = (): string => `${ctx.sim.url}/v1/chat/completions`;

const MESSAGES = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'What is the capital of France?' },
];

interface ChatBody {
  id: string;
  object: string;
  model: string;
  service_tier: string;
  system_fingerprint: string;
  choices: Array<{ index: number; message: { role: string; content: string }; finish_reason: string }>;
  usage: {
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    prompt_tokens_details: { cached_tokens: number };
    completion_tokens_details: { reasoning_tokens: number };
  };
}

async function chat(body: Record<string, unknown>): Promise<ChatBody> {
  const response = await postJson(chatUrl(), body);
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as ChatBody;
}

async function chatStream(body: Record<string, unknown>): Promise<Array<Record<string, any>>> {
  const response = await postJson(chatUrl(), { ...body, stream: true });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
  const events = await readSse(response);
  assert.equal(events.at(-1)?.data, '[DONE]');
  return events.slice(0, -1).map((e) => JSON.parse(e.data) as Record<string, any>);
}

test('non-streaming completion: shape, snapshot model and headers', async () => {
  const response = await postJson(chatUrl(), { model: 'gpt-4o', messages: MESSAGES });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('x-request-id') ?? '', /^req_[0-9a-f]{32}$/);
  assert.match(response.headers.get('openai-processing-ms') ?? '', /^\d+$/);
  for (const kind of ['requests', 'tokens']) {
    assert.match(response.headers.get(`x-ratelimit-limit-${kind}`) ?? '', /^\d+$/);
    assert.match(response.headers.get(`x-ratelimit-remaining-${kind}`) ?? '', /^\d+$/);
    assert.ok(response.headers.get(`x-ratelimit-reset-${kind}`));
  }
  const body = (await response.json()) as ChatBody;
  assert.match(body.id, /^chatcmpl-/);
  assert.equal(body.object, 'chat.completion');
  assert.equal(body.model, 'gpt-4o-2024-08-06');
  assert.equal(body.service_tier, 'default');
  assert.match(body.system_fingerprint, /^fp_/);
  assert.equal(body.choices.length, 1);
  assert.equal(body.choices[0]?.message.role, 'assistant');
  assert.equal(body.choices[0]?.finish_reason, 'stop');
  assert.ok((body.choices[0]?.message.content.length ?? 0) > 0);

  const mini = await chat({ model: 'gpt-4o-mini', messages: MESSAGES });
  assert.equal(mini.model, 'gpt-4o-mini-2024-07-18');
});

test('usage equals the tokenizer counts', async () => {
  for (const model of ['gpt-4o', 'gpt-4', 'gpt-3.5-turbo']) {
    const body = await chat({ model, messages: MESSAGES });
    const content = body.choices[0]?.message.content ?? '';
    assert.equal(body.usage.prompt_tokens, countChatPromptTokens(MESSAGES, model));
    assert.equal(body.usage.completion_tokens, countTextTokens(content, model));
    assert.equal(body.usage.total_tokens, body.usage.prompt_tokens + body.usage.completion_tokens);
    assert.equal(body.usage.completion_tokens_details.reasoning_tokens, 0);
  }
});

test('replies are deterministic per request', async () => {
  const a = await chat({ model: 'gpt-4o', messages: MESSAGES });
  const b = await chat({ model: 'gpt-4o', messages: MESSAGES });
  assert.equal(a.choices[0]?.message.content, b.choices[0]?.message.content);
  assert.notEqual(a.id, b.id);
  const other = await chat({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Tell me about the ocean.' }] });
  assert.notEqual(other.choices[0]?.message.content, a.choices[0]?.message.content);
});

test('max_tokens and max_completion_tokens truncate with finish_reason length', async () => {
  for (const limit of [{ max_tokens: 5 }, { max_completion_tokens: 5 }]) {
    const body = await chat({ model: 'gpt-4o', messages: MESSAGES, ...limit });
    assert.equal(body.choices[0]?.finish_reason, 'length');
    assert.equal(body.usage.completion_tokens, 5);
    assert.equal(countTextTokens(body.choices[0]?.message.content ?? '', 'gpt-4o'), 5);
  }
});

test('n produces that many choices and sums their tokens', async () => {
  const body = await chat({ model: 'gpt-4o', messages: MESSAGES, n: 3 });
  assert.deepEqual(body.choices.map((c) => c.index), [0, 1, 2]);
  const total = body.choices.reduce((sum, c) => sum + countTextTokens(c.message.content, 'gpt-4o'), 0);
  assert.equal(body.usage.completion_tokens, total);
});

test('reasoning models bill reasoning tokens inside completion tokens', async () => {
  for (const model of ['o3', 'o4-mini', 'gpt-5', 'gpt-5-mini']) {
    const body = await chat({ model, messages: MESSAGES });
    const reasoning = body.usage.completion_tokens_details.reasoning_tokens;
    assert.ok(reasoning > 0, model);
    const visible = countTextTokens(body.choices[0]?.message.content ?? '', model);
    assert.equal(body.usage.completion_tokens, reasoning + visible, model);
  }
  const minimal = await chat({ model: 'gpt-5', messages: MESSAGES, reasoning_effort: 'minimal' });
  assert.equal(minimal.usage.completion_tokens_details.reasoning_tokens, 0);

  const rejected = await postJson(chatUrl(), { model: 'o3', messages: MESSAGES, max_tokens: 10 });
  assert.equal(rejected.status, 400);
  const error = (await rejected.json()) as { error: { code: string; param: string } };
  assert.equal(error.error.code, 'unsupported_parameter');
  assert.equal(error.error.param, 'max_tokens');
});

test('service_tier echoes flex and priority, else default', async () => {
  assert.equal((await chat({ model: 'gpt-4o', messages: MESSAGES, service_tier: 'flex' })).service_tier, 'flex');
  assert.equal((await chat({ model: 'gpt-4o', messages: MESSAGES, service_tier: 'priority' })).service_tier, 'priority');
  assert.equal((await chat({ model: 'gpt-4o', messages: MESSAGES, service_tier: 'auto' })).service_tier, 'default');
});

test('stop sequences and JSON response formats', async () => {
  const plain = await chat({ model: 'gpt-4o', messages: MESSAGES });
  const text = plain.choices[0]?.message.content ?? '';
  const stop = text.split(' ')[2] ?? '';
  const stopped = await chat({ model: 'gpt-4o', messages: MESSAGES, stop: [stop] });
  assert.equal(stopped.choices[0]?.message.content, text.slice(0, text.indexOf(stop)));
  assert.equal(stopped.choices[0]?.finish_reason, 'stop');

  const askJson = [{ role: 'user', content: 'Answer in JSON: what is the capital of France?' }];
  const json = await chat({ model: 'gpt-4o', messages: askJson, response_format: { type: 'json_object' } });
  const parsed: unknown = JSON.parse(json.choices[0]?.message.content ?? '');
  assert.ok(parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed));
  // OpenAI refuses JSON mode when the conversation never mentions JSON.
  const refused = await postJson(chatUrl(), { model: 'gpt-4o', messages: MESSAGES, response_format: { type: 'json_object' } });
  assert.equal(refused.status, 400);
  assert.deepEqual(((await refused.json()) as { error: unknown }).error, {
    message: "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
    type: 'invalid_request_error',
    param: 'messages',
    code: null,
  });
});

test('repeated long prompts report cached tokens', async () => {
  const long = 'Please summarise the following notes carefully. '.repeat(150);
  const messages = [{ role: 'user', content: long }];
  const first = await chat({ model: 'gpt-4o', messages });
  assert.ok(first.usage.prompt_tokens >= 1024);
  assert.equal(first.usage.prompt_tokens_details.cached_tokens, 0);
  const second = await chat({ model: 'gpt-4o', messages });
  const cached = second.usage.prompt_tokens_details.cached_tokens;
  assert.ok(cached >= 1024 && cached <= second.usage.prompt_tokens && cached % 128 === 0);
});

test('streaming: role chunk, deltas, finish chunk, [DONE]', async () => {
  const full = await chat({ model: 'gpt-4o', messages: MESSAGES });
  const chunks = await chatStream({ model: 'gpt-4o', messages: MESSAGES });
  assert.ok(chunks.length >= 4);
  const first = chunks[0] as Record<string, any>;
  assert.equal(first['choices'][0].delta.role, 'assistant');
  assert.equal(first['choices'][0].delta.content, '');
  const ids = new Set(chunks.map((c) => c['id']));
  assert.equal(ids.size, 1);
  const text = chunks.map((c) => c['choices'][0]?.delta?.content ?? '').join('');
  assert.equal(text, full.choices[0]?.message.content);
  const last = chunks.at(-1) as Record<string, any>;
  assert.equal(last['choices'][0].finish_reason, 'stop');
  assert.deepEqual(last['choices'][0].delta, {});
  for (const chunk of chunks) {
    assert.equal(chunk['object'], 'chat.completion.chunk');
    assert.equal(chunk['model'], 'gpt-4o-2024-08-06');
    assert.ok(!('usage' in chunk), 'usage is absent without include_usage');
  }
});

test('streaming with include_usage: usage null until a final choices-less chunk', async () => {
  const chunks = await chatStream({ model: 'gpt-4o', messages: MESSAGES, stream_options: { include_usage: true } });
  const last = chunks.at(-1) as Record<string, any>;
  assert.deepEqual(last['choices'], []);
  assert.equal(last['usage'].prompt_tokens, countChatPromptTokens(MESSAGES, 'gpt-4o'));
  const text = chunks.map((c) => c['choices'][0]?.delta?.content ?? '').join('');
  assert.equal(last['usage'].completion_tokens, countTextTokens(text, 'gpt-4o'));
  for (const chunk of chunks.slice(0, -1)) assert.equal(chunk['usage'], null);
});

test('streaming honours max_tokens', async () => {
  const chunks = await chatStream({ model: 'gpt-4o', messages: MESSAGES, max_tokens: 4, stream_options: { include_usage: true } });
  const finish = chunks.at(-2) as Record<string, any>;
  assert.equal(finish['choices'][0].finish_reason, 'length');
  assert.equal((chunks.at(-1) as Record<string, any>)['usage'].completion_tokens, 4);
});

const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] }, days: { type: 'integer' } },
      required: ['city'],
    },
  },
};

test('a forced tool choice returns a function call billed by its tokens', async () => {
  const validArguments = ajv.compile(WEATHER_TOOL.function.parameters);
  for (const toolChoice of ['required', { type: 'function', function: { name: 'get_weather' } }]) {
    const body = (await chat({ model: 'gpt-4o', messages: MESSAGES, tools: [WEATHER_TOOL], tool_choice: toolChoice })) as any;
    const choice = body.choices[0];
    assert.equal(choice.finish_reason, 'tool_calls');
    assert.equal(choice.message.content, null);
    const call = choice.message.tool_calls[0];
    assert.match(call.id, /^call_/);
    assert.equal(call.function.name, 'get_weather');
    assert.ok(validArguments(JSON.parse(call.function.arguments)), call.function.arguments);
    assert.equal(body.usage.completion_tokens, countTextTokens('get_weather', 'gpt-4o') + countTextTokens(call.function.arguments, 'gpt-4o'));
  }
  const auto = await chat({ model: 'gpt-4o', messages: MESSAGES, tools: [WEATHER_TOOL] });
  assert.equal(auto.choices[0]?.finish_reason, 'stop');
  const unknown = await postJson(chatUrl(), { model: 'gpt-4o', messages: MESSAGES, tools: [WEATHER_TOOL], tool_choice: { type: 'function', function: { name: 'nope' } } });
  assert.equal(unknown.status, 400);
});

test('streamed tool calls: id and name first, then argument fragments', async () => {
  const chunks = await chatStream({ model: 'gpt-4o', messages: MESSAGES, tools: [WEATHER_TOOL], tool_choice: 'required' });
  const first = chunks[0]?.['choices'][0].delta;
  assert.equal(first.role, 'assistant');
  assert.equal(first.tool_calls[0].function.name, 'get_weather');
  assert.equal(first.tool_calls[0].function.arguments, '');
  const args = chunks.map((c) => c['choices'][0]?.delta?.tool_calls?.[0]?.function?.arguments ?? '').join('');
  const plain = (await chat({ model: 'gpt-4o', messages: MESSAGES, tools: [WEATHER_TOOL], tool_choice: 'required' })) as any;
  assert.equal(args, plain.choices[0].message.tool_calls[0].function.arguments, 'the stream carries the same arguments');
  assert.equal(chunks.at(-1)?.['choices'][0].finish_reason, 'tool_calls');

  const client = new OpenAI({ baseURL: `${ctx.sim.url}/v1`, apiKey: 'x', maxRetries: 0 });
  const runner = client.chat.completions.stream({
    model: 'gpt-4o',
    messages: [{ role: 'user', content: 'weather?' }],
    tools: [WEATHER_TOOL as OpenAI.ChatCompletionTool],
    tool_choice: 'required',
  });
  const final = await runner.finalChatCompletion();
  const call = final.choices[0]?.message.tool_calls?.[0];
  assert.equal(call?.type === 'function' ? call.function.name : undefined, 'get_weather');
});

test('works with the official openai SDK', async () => {
  const client = new OpenAI({ baseURL: `${ctx.sim.url}/v1`, apiKey: 'x', maxRetries: 0 });
  const completion = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Hello there' }],
  });
  assert.equal(completion.model, 'gpt-4o-mini-2024-07-18');
  assert.ok(completion.choices[0]?.message.content);
  assert.equal(completion.usage?.prompt_tokens, countChatPromptTokens([{ role: 'user', content: 'Hello there' }], 'gpt-4o-mini'));

  const stream = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Hello there' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  let usage: OpenAI.CompletionUsage | null | undefined;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
    if (chunk.usage) usage = chunk.usage;
  }
  assert.equal(text, completion.choices[0]?.message.content);
  assert.equal(usage?.total_tokens, completion.usage?.total_tokens);
});

test('bodies and chunks validate against the OpenAPI schemas', async (t) => {
  const spec = specOrSkip(t);
  if (spec === undefined) return;
  for (const model of ['gpt-4o', 'o3']) {
    const body = await chat({ model, messages: MESSAGES, n: 2 });
    spec.assertValid('CreateChatCompletionResponse', body);
    for (const options of [{}, { stream_options: { include_usage: true } }, { stream_options: { include_usage: true, include_obfuscation: false } }]) {
      const chunks = await chatStream({ model, messages: MESSAGES, ...options });
      for (const chunk of chunks) spec.assertValid('CreateChatCompletionStreamResponse', chunk);
    }
  }
  const truncated = await chat({ model: 'gpt-4o', messages: MESSAGES, max_tokens: 3 });
  spec.assertValid('CreateChatCompletionResponse', truncated);
  const tools = { model: 'gpt-4o', messages: MESSAGES, tools: [WEATHER_TOOL], tool_choice: 'required' };
  spec.assertValid('CreateChatCompletionResponse', await chat(tools));
  for (const chunk of await chatStream(tools)) spec.assertValid('CreateChatCompletionStreamResponse', chunk);
});
