import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  countChatPromptTokens,
  countChatRequestTokens,
  countTextTokens,
  countToolTokens,
  decodeTokens,
  encodeText,
  encodingNameForModel,
  type ChatMessageLike,
} from './index.ts';

// The example conversation from OpenAI's cookbook "How to count tokens with
// tiktoken", whose published totals are 129 (cl100k_base) and 124 (o200k_base).
const COOKBOOK_CONVERSATION: ChatMessageLike[] = [
  {
    role: 'system',
    content: 'You are a helpful, pattern-following assistant that translates corporate jargon into plain English.',
  },
  { role: 'system', name: 'example_user', content: 'New synergies will help drive top-line growth.' },
  { role: 'system', name: 'example_assistant', content: 'Things working well together will increase revenue.' },
  {
    role: 'system',
    name: 'example_user',
    content: "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage.",
  },
  {
    role: 'system',
    name: 'example_assistant',
    content: "Let's talk later when we're less busy about how to do better.",
  },
  {
    role: 'user',
    content: "This late pivot means we don't have time to boil the ocean for the client deliverable.",
  },
];

test('cookbook conversation matches the published counts', () => {
  assert.equal(countChatPromptTokens(COOKBOOK_CONVERSATION, 'gpt-4'), 129);
  assert.equal(countChatPromptTokens(COOKBOOK_CONVERSATION, 'gpt-3.5-turbo'), 129);
  assert.equal(countChatPromptTokens(COOKBOOK_CONVERSATION, 'gpt-4-0613'), 129);
  assert.equal(countChatPromptTokens(COOKBOOK_CONVERSATION, 'gpt-4o'), 124);
  assert.equal(countChatPromptTokens(COOKBOOK_CONVERSATION, 'gpt-4o-mini-2024-07-18'), 124);
});

test('encoding selection by model family', () => {
  const o200k = [
    'gpt-4o', 'gpt-4o-2024-08-06', 'gpt-4o-mini', 'chatgpt-4o-latest', 'gpt-4.1', 'gpt-4.1-nano-2025-04-14',
    'o1', 'o1-mini', 'o3', 'o3-mini', 'o4-mini', 'gpt-5', 'gpt-5-mini-2025-08-07', 'omni-moderation-latest',
    'ft:gpt-4o-mini-2024-07-18:acme::9abc', 'GPT-4O', 'some-future-model',
  ];
  const cl100k = [
    'gpt-4', 'gpt-4-0613', 'gpt-4-turbo', 'gpt-4-32k', 'gpt-3.5-turbo', 'gpt-3.5-turbo-0125',
    'gpt-3.5-turbo-instruct', 'text-embedding-3-small', 'text-embedding-3-large', 'text-embedding-ada-002',
    'ft:gpt-3.5-turbo-0125:acme:custom:xyz', 'openai/gpt-4',
  ];
  for (const model of o200k) assert.equal(encodingNameForModel(model), 'o200k_base', model);
  for (const model of cl100k) assert.equal(encodingNameForModel(model), 'cl100k_base', model);
});

test('plain text counts', () => {
  assert.equal(countTextTokens('Hello there, world!', 'gpt-4o'), 5);
  assert.equal(countTextTokens('tiktoken is great!', 'gpt-4'), 6);
  // Special-token markup in user text is ordinary text, not an error.
  assert.ok(countTextTokens('a <|endoftext|> b', 'gpt-4o') > 3);
});

test('empty input', () => {
  assert.equal(countTextTokens('', 'gpt-4o'), 0);
  assert.equal(countChatPromptTokens([], 'gpt-4o'), 3);
  assert.equal(encodeText('', 'gpt-4o').length, 0);
  assert.equal(decodeTokens([], 'gpt-4o'), '');
});

test('encode and decode round-trip', () => {
  const text = 'The quick brown fox jumps over the lazy dog.';
  const tokens = encodeText(text, 'gpt-4o');
  assert.equal(tokens.length, countTextTokens(text, 'gpt-4o'));
  assert.equal(decodeTokens(tokens, 'gpt-4o'), text);
});

test('array content counts text parts plus image parts', () => {
  const asString = countChatPromptTokens([{ role: 'user', content: 'Describe this picture.' }], 'gpt-4o');
  const withImage = (detail: string): number => countChatPromptTokens(
    [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Describe this picture.' },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail } },
        ],
      },
    ],
    'gpt-4o',
  );
  // Low detail is the base cost; a remote image of unknown size at high detail is the 2048×768 worst case.
  assert.equal(withImage('low'), asString + 85);
  assert.equal(withImage('high'), asString + 85 + 8 * 170);
  assert.equal(withImage('auto'), asString + 85 + 8 * 170);
  // gpt-4o-mini has its own (much larger) image constants.
  const mini = countChatPromptTokens(
    [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } }] }],
    'gpt-4o-mini',
  );
  assert.equal(mini, 3 + countTextTokens('user', 'gpt-4o-mini') + 2833 + 3);
});

test('audio and file parts add nothing; refusal parts count their text', () => {
  const base = countChatPromptTokens([{ role: 'user', content: [] }], 'gpt-4o');
  const withOthers = countChatPromptTokens(
    [
      {
        role: 'user',
        content: [
          { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } },
          { type: 'file', file: { file_id: 'file-1' } },
        ],
      },
    ],
    'gpt-4o',
  );
  assert.equal(withOthers, base);
  const refusal = countChatPromptTokens([{ role: 'assistant', content: [{ type: 'refusal', refusal: 'I cannot help.' }] }], 'gpt-4o');
  assert.equal(refusal - countChatPromptTokens([{ role: 'assistant', content: [] }], 'gpt-4o'), countTextTokens('I cannot help.', 'gpt-4o'));
});

test('assistant tool calls count function name and arguments', () => {
  const base = countChatPromptTokens([{ role: 'assistant', content: null }], 'gpt-4o');
  const withCall = countChatPromptTokens(
    [
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        ],
      },
    ],
    'gpt-4o',
  );
  const expected = countTextTokens('get_weather', 'gpt-4o') + countTextTokens('{"city":"Paris"}', 'gpt-4o');
  assert.equal(withCall - base, expected);
});

test('tool messages count their tool_call_id', () => {
  const count = countChatPromptTokens([{ role: 'tool', tool_call_id: 'call_1', content: 'sunny' }], 'gpt-4o');
  const expected = 3 + countTextTokens('tool', 'gpt-4o') + countTextTokens('call_1', 'gpt-4o')
    + countTextTokens('sunny', 'gpt-4o') + 3;
  assert.equal(count, expected);
});

// The function-calling example of the same cookbook (section "Counting tokens
// for chat completions with tool calls"), published at 105 tokens for
// gpt-3.5-turbo/gpt-4 and 101 for gpt-4o/gpt-4o-mini.
const WEATHER_TOOLS = [
  {
    type: 'function',
    function: {
      name: 'get_current_weather',
      description: 'Get the current weather in a given location',
      parameters: {
        type: 'object',
        properties: {
          location: { type: 'string', description: 'The city and state, e.g. San Francisco, CA' },
          unit: { type: 'string', description: 'The unit of temperature to return', enum: ['celsius', 'fahrenheit'] },
        },
        required: ['location'],
      },
    },
  },
];
const WEATHER_MESSAGES: ChatMessageLike[] = [
  { role: 'system', content: 'You are a helpful assistant that can answer to questions about the weather.' },
  { role: 'user', content: "What's the weather like in San Francisco?" },
];

test('cookbook tools example matches the published counts', () => {
  for (const model of ['gpt-3.5-turbo', 'gpt-4', 'gpt-4-0613']) {
    assert.equal(countChatRequestTokens({ messages: WEATHER_MESSAGES, tools: WEATHER_TOOLS }, model), 105, model);
  }
  for (const model of ['gpt-4o', 'gpt-4o-mini', 'gpt-4o-2024-08-06']) {
    assert.equal(countChatRequestTokens({ messages: WEATHER_MESSAGES, tools: WEATHER_TOOLS }, model), 101, model);
  }
});

test('tool definitions in every accepted shape count the same', () => {
  const fn = WEATHER_TOOLS[0]!.function;
  const chat = countToolTokens(WEATHER_TOOLS, 'gpt-4o');
  assert.equal(chat, 101 - countChatPromptTokens(WEATHER_MESSAGES, 'gpt-4o'));
  // Legacy `functions`, and flat Responses-style function tools.
  assert.equal(countChatRequestTokens({ messages: WEATHER_MESSAGES, functions: [fn] }, 'gpt-4o'), 101);
  assert.equal(countToolTokens([{ type: 'function', ...fn }], 'gpt-4o'), chat);
  // Hosted tools have no definition to count; an empty list adds nothing (not even the suffix).
  assert.equal(countToolTokens([{ type: 'web_search' }], 'gpt-4o'), 0);
  assert.equal(countToolTokens([], 'gpt-4o'), 0);
  assert.equal(countChatRequestTokens({ messages: WEATHER_MESSAGES, tools: [] }, 'gpt-4o'), countChatPromptTokens(WEATHER_MESSAGES, 'gpt-4o'));
});

test('tool framing follows the cookbook constants', () => {
  const t = (text: string): number => countTextTokens(text, 'gpt-4o');
  // A function without properties: func_init + "name:description" + func_end.
  assert.equal(countToolTokens([{ type: 'function', function: { name: 'ping', description: 'Checks liveness.' } }], 'gpt-4o'), 7 + t('ping:Checks liveness') + 12);
  assert.equal(countToolTokens([{ type: 'function', function: { name: 'ping' } }], 'gpt-4'), 10 + countTextTokens('ping:', 'gpt-4') + 12);
  // Two functions share a single func_end.
  const one = countToolTokens([{ type: 'function', function: { name: 'ping' } }], 'gpt-4o');
  assert.equal(countToolTokens([{ type: 'function', function: { name: 'ping' } }, { type: 'function', function: { name: 'ping' } }], 'gpt-4o'), 2 * one - 12);
  // Nested object properties are counted like top-level ones.
  const nested = countToolTokens(
    [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { a: { type: 'object', properties: { b: { type: 'integer' } } } } } } }],
    'gpt-4o',
  );
  assert.equal(nested, 7 + t('f:') + 3 + 3 + t('a:object:') + 3 + 3 + t('b:integer:') + 12);
});

test('malformed chat input never throws', () => {
  const weird: unknown[] = [
    null,
    42,
    'hello',
    { role: 'user', content: 7 },
    { role: 'user', content: [null, 3, 'bare string part', { type: 'image_url' }, { type: 'image_url', image_url: 5 }, { type: 'mystery' }] },
    { role: 'assistant', tool_calls: 'nope', function_call: 'nope' },
    { role: 'assistant', tool_calls: [null, { function: null }, { function: { name: 5, arguments: {} } }] },
  ];
  const count = countChatPromptTokens(weird as ChatMessageLike[], 'gpt-4o');
  assert.ok(Number.isInteger(count) && count > 0);
  assert.equal(countChatPromptTokens('not an array' as unknown as ChatMessageLike[], 'gpt-4o'), 3);
  assert.equal(countChatPromptTokens(null as unknown as ChatMessageLike[], 'gpt-4o'), 3);
  assert.equal(countChatRequestTokens({ messages: { role: 'user' }, tools: 'x', functions: 3 }, 'gpt-4o'), 3);
  assert.equal(countChatRequestTokens(null as unknown as { messages: unknown }, 'gpt-4o'), 3);
  const oddTools = [null, 1, { type: 'function' }, { type: 'function', function: { name: 'f', parameters: { properties: { x: null, y: { enum: 'no', type: ['string', 'null'] } } } } }];
  assert.ok(countToolTokens(oddTools, 'gpt-4o') > 0);
});

test('degenerate runs are counted in linear time, ordinary text exactly', () => {
  // Without chunking, each of these takes from seconds to minutes (BPE is quadratic per piece).
  const started = performance.now();
  assert.equal(countTextTokens('a'.repeat(200_000), 'gpt-4o'), 25_000);
  const cjk = countTextTokens('漢'.repeat(100_000), 'gpt-4o');
  assert.ok(Math.abs(cjk - 100_000) <= 1_000, String(cjk));
  assert.ok(countTextTokens(' '.repeat(100_000) + 'x', 'gpt-4o') > 0);
  assert.ok(countTextTokens('!'.repeat(100_000), 'gpt-4') > 0);
  assert.ok(performance.now() - started < 5_000);
  // Ordinary long text is not cut: the count equals the length of the exact encoding.
  const prose = 'It was the best of times, it was the worst of times. 東京は晴れです。'.repeat(2_000);
  assert.equal(countTextTokens(prose, 'gpt-4o'), encodeText(prose, 'gpt-4o').length);
  // Surrogate pairs are never split: a long emoji run still counts like its exact encoding per chunk.
  const emoji = '😀'.repeat(1_000);
  assert.ok(Math.abs(countTextTokens(emoji, 'gpt-4o') - encodeText(emoji, 'gpt-4o').length) <= 10);
});
