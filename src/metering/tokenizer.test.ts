import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  countChatPromptTokens,
  countTextTokens,
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

test('array content counts text parts only', () => {
  const asString = countChatPromptTokens([{ role: 'user', content: 'Describe this picture.' }], 'gpt-4o');
  const asParts = countChatPromptTokens(
    [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Describe this picture.' },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
        ],
      },
    ],
    'gpt-4o',
  );
  assert.equal(asParts, asString);
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
