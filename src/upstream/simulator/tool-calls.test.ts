import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import OpenAI from 'openai';
import { readSse } from '../../../test/support/sse.ts';
import { postJson, specOrSkip, useSimulator } from './simulator-test-support.ts';
import { countText } from './token-counter.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = addFormats(new Ajv2020({ strict: false }));
const ctx = useSimulator();
const chatUrl = (): string => `${ctx.sim.url}/v1/chat/completions`;

type Json = Record<string, any>;

const WEATHER = {
  name: 'get_weather',
  description: 'Current weather for a city.',
  parameters: {
    type: 'object',
    properties: {
      city: { type: 'string' },
      unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
      days: { type: 'integer', minimum: 1, maximum: 7 },
    },
    required: ['city', 'unit', 'days'],
    additionalProperties: false,
  },
  strict: true,
};
const TIME = {
  name: 'lookupLocalTime',
  description: 'Local time in a timezone.',
  parameters: {
    type: 'object',
    properties: { timezone: { type: 'string', pattern: '^[A-Z][a-z]+/[A-Z][a-z]+$' }, format: { type: ['string', 'null'], enum: ['12h', '24h', null] } },
    required: ['timezone', 'format'],
    additionalProperties: false,
  },
  strict: true,
};
const TOOLS = [WEATHER, TIME].map((fn) => ({ type: 'function', function: fn }));
const BOTH = [{ role: 'user', content: 'What is the weather in Oslo, and the local time there?' }];
const WEATHER_ONLY = [{ role: 'user', content: 'Will it rain in Oslo? Check the weather.' }];
const NEITHER = [{ role: 'user', content: 'Tell me a joke.' }];

const validators = new Map([WEATHER, TIME].map((fn) => [fn.name, ajv.compile(fn.parameters)]));

async function chat(body: Json): Promise<Json> {
  const response = await postJson(chatUrl(), { model: 'gpt-4o', ...body });
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as Json;
}

function calls(completion: Json, choice = 0): Array<{ id: string; name: string; args: unknown }> {
  const toolCalls = completion['choices'][choice].message.tool_calls ?? [];
  return toolCalls.map((c: Json) => {
    const args: unknown = JSON.parse(c['function'].arguments);
    assert.ok(validators.get(c['function'].name)?.(args), `${c['function'].name} ${c['function'].arguments}`);
    return { id: c['id'], name: c['function'].name, args };
  });
}

test('auto: calls the functions the user asks about, in parallel; none for unrelated questions', async () => {
  const both = await chat({ messages: BOTH, tools: TOOLS });
  assert.equal(both['choices'][0].finish_reason, 'tool_calls');
  assert.deepEqual(calls(both).map((c) => c.name), ['get_weather', 'lookupLocalTime']);
  assert.equal(new Set(calls(both).map((c) => c.id)).size, 2);
  assert.deepEqual(calls(await chat({ messages: WEATHER_ONLY, tools: TOOLS })).map((c) => c.name), ['get_weather']);
  const neither = await chat({ messages: NEITHER, tools: TOOLS });
  assert.equal(neither['choices'][0].finish_reason, 'stop');
  assert.equal(typeof neither['choices'][0].message.content, 'string');
});

test('parallel_tool_calls: false makes at most one call', async () => {
  const one = await chat({ messages: BOTH, tools: TOOLS, parallel_tool_calls: false });
  assert.deepEqual(calls(one).map((c) => c.name), ['get_weather']);
});

test('required forces a call, a named function forces that one, none forbids calls', async () => {
  assert.deepEqual(calls(await chat({ messages: NEITHER, tools: TOOLS, tool_choice: 'required' })).map((c) => c.name), ['get_weather']);
  const named = await chat({ messages: BOTH, tools: TOOLS, tool_choice: { type: 'function', function: { name: 'lookupLocalTime' } } });
  assert.deepEqual(calls(named).map((c) => c.name), ['lookupLocalTime']);
  const none = await chat({ messages: BOTH, tools: TOOLS, tool_choice: 'none' });
  assert.equal(none['choices'][0].finish_reason, 'stop');
  const allowed = await chat({ messages: BOTH, tools: TOOLS, tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [{ type: 'function', function: { name: 'lookupLocalTime' } }] } } });
  assert.deepEqual(calls(allowed).map((c) => c.name), ['lookupLocalTime']);
});

test('after the tool results come back, auto answers in text (an agent loop ends)', async () => {
  const first = await chat({ messages: WEATHER_ONLY, tools: TOOLS });
  const [call] = first['choices'][0].message.tool_calls;
  const followUp = await chat({
    messages: [...WEATHER_ONLY, first['choices'][0].message, { role: 'tool', tool_call_id: call.id, content: '{"rain":false}' }],
    tools: TOOLS,
  });
  assert.equal(followUp['choices'][0].finish_reason, 'stop');
  assert.ok(followUp['choices'][0].message.content.length > 0);
});

test('n > 1: every choice calls, each with its own arguments, usage counts all of them', async () => {
  const completion = await chat({ messages: WEATHER_ONLY, tools: TOOLS, n: 3 });
  const argsOf = [0, 1, 2].map((i) => calls(completion, i)[0]);
  assert.ok(argsOf.every((c) => c?.name === 'get_weather'));
  const billed = completion['choices'].reduce((sum: number, c: Json) => {
    const fn = c.message.tool_calls[0].function;
    return sum + countText(fn.name, 'o200k_base') + countText(fn.arguments, 'o200k_base');
  }, 0);
  assert.equal(completion['usage'].completion_tokens, billed);
});

test('tools count in the prompt tokens (cookbook framing)', async () => {
  const without = await chat({ messages: NEITHER });
  const withTools = await chat({ messages: NEITHER, tools: TOOLS });
  assert.ok(withTools['usage'].prompt_tokens > without['usage'].prompt_tokens + 20);
});

test('streamed tool calls are framed as OpenAI frames them and rebuild the same calls', async (t) => {
  const spec = specOrSkip(t);
  const plain = await chat({ messages: BOTH, tools: TOOLS });
  const events = await readSse(await postJson(chatUrl(), { model: 'gpt-4o', messages: BOTH, tools: TOOLS, stream: true }));
  assert.equal(events.at(-1)?.data, '[DONE]');
  const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data) as Json);
  for (const chunk of chunks) spec?.assertValid('CreateChatCompletionStreamResponse', chunk);
  const deltas = chunks.flatMap((c) => c['choices'][0]?.delta?.tool_calls ?? []);
  // Each call opens with index, id, type and name (empty arguments); fragments carry only index and arguments.
  const openings = deltas.filter((d: Json) => d['id'] !== undefined);
  assert.deepEqual(openings.map((d: Json) => [d['index'], d['type'], d['function'].name, d['function'].arguments]), [
    [0, 'function', 'get_weather', ''],
    [1, 'function', 'lookupLocalTime', ''],
  ]);
  for (const fragment of deltas.filter((d: Json) => d['id'] === undefined)) assert.deepEqual(Object.keys(fragment).sort(), ['function', 'index']);
  const rebuilt = [0, 1].map((i) => deltas.filter((d: Json) => d['index'] === i).map((d: Json) => d['function'].arguments ?? '').join(''));
  assert.deepEqual(rebuilt, plain['choices'][0].message.tool_calls.map((c: Json) => c['function'].arguments));
  assert.equal(chunks.at(-1)?.['choices'][0].finish_reason, 'tool_calls');
  spec?.assertValid('CreateChatCompletionResponse', plain);

  // The official SDK's stream helper assembles the same calls.
  const client = new OpenAI({ baseURL: `${ctx.sim.url}/v1`, apiKey: 'x', maxRetries: 0 });
  const final = await client.chat.completions.stream({ model: 'gpt-4o', messages: BOTH as OpenAI.ChatCompletionMessageParam[], tools: TOOLS as OpenAI.ChatCompletionTool[] }).finalChatCompletion();
  assert.deepEqual(final.choices[0]?.message.tool_calls?.map((c) => (c.type === 'function' ? c.function.arguments : '')), rebuilt);
});

test('tool options are checked as OpenAI checks them', async () => {
  const expect400 = async (body: Json, param: string | null, message: RegExp): Promise<void> => {
    const response = await postJson(chatUrl(), { model: 'gpt-4o', messages: NEITHER, ...body });
    assert.equal(response.status, 400, JSON.stringify(body));
    const error = ((await response.json()) as { error: { param: string | null; message: string } }).error;
    assert.equal(error.param, param);
    assert.match(error.message, message);
  };
  await expect400({ tool_choice: 'required' }, 'tool_choice', /only allowed when 'tools' are specified/);
  await expect400({ parallel_tool_calls: true }, 'parallel_tool_calls', /only allowed when 'tools' are specified/);
  await expect400({ tools: TOOLS, tool_choice: { type: 'function', function: { name: 'nope' } } }, 'tool_choice', /'nope'/);
  await expect400({ tools: TOOLS, tool_choice: 'sometimes' }, 'tool_choice', /Invalid value/);
  const loose = { type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { a: { type: 'string' } } }, strict: true } };
  await expect400({ tools: [loose] }, 'tools[0].function.parameters', /^Invalid schema for function 'f'/);
});

const RESPONSES_TOOLS = [WEATHER, TIME].map((fn) => ({ type: 'function', ...fn }));

test('/v1/responses: function_call items with valid arguments, streamed as argument deltas', async (t) => {
  const spec = specOrSkip(t);
  const body = { model: 'gpt-4.1', input: BOTH, tools: RESPONSES_TOOLS };
  const response = await postJson(`${ctx.sim.url}/v1/responses`, body);
  assert.equal(response.status, 200, await response.clone().text());
  const json = (await response.json()) as Json;
  spec?.assertValid('Response', json);
  const items = json['output'].filter((o: Json) => o['type'] === 'function_call');
  assert.deepEqual(items.map((i: Json) => i['name']), ['get_weather', 'lookupLocalTime']);
  for (const item of items) {
    assert.match(item['call_id'], /^call_/);
    assert.ok(validators.get(item['name'])?.(JSON.parse(item['arguments'])));
  }
  assert.equal(json['parallel_tool_calls'], true);
  assert.deepEqual(json['tools'].map((tool: Json) => [tool['name'], tool['strict']]), [['get_weather', true], ['lookupLocalTime', true]]);

  const events = (await readSse(await postJson(`${ctx.sim.url}/v1/responses`, { ...body, stream: true }))).map((e) => JSON.parse(e.data) as Json);
  for (const event of events) {
    const schema = event['type'] === 'response.function_call_arguments.delta' ? 'ResponseFunctionCallArgumentsDeltaEvent'
      : event['type'] === 'response.function_call_arguments.done' ? 'ResponseFunctionCallArgumentsDoneEvent' : undefined;
    if (schema !== undefined) spec?.assertValid(schema, event);
  }
  const deltas = events.filter((e) => e['type'] === 'response.function_call_arguments.delta');
  const done = events.filter((e) => e['type'] === 'response.function_call_arguments.done');
  assert.deepEqual(done.map((d) => d['arguments']), items.map((i: Json) => i['arguments']));
  for (const item of done) {
    assert.equal(deltas.filter((d) => d['item_id'] === item['item_id']).map((d) => d['delta']).join(''), item['arguments']);
  }
  const completed = events.at(-1)!;
  assert.equal(completed['type'], 'response.completed');
  spec?.assertValid('ResponseCompletedEvent', completed);

  // Feeding the outputs back ends the loop with a message.
  const followUp = await postJson(`${ctx.sim.url}/v1/responses`, {
    model: 'gpt-4.1',
    tools: RESPONSES_TOOLS,
    input: [...BOTH, ...items, ...items.map((i: Json) => ({ type: 'function_call_output', call_id: i['call_id'], output: 'ok' }))],
  });
  const final = (await followUp.json()) as Json;
  assert.deepEqual(final['output'].map((o: Json) => o['type']), ['message']);
});
