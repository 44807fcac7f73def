/**
 * Issue 10.6: Tollgate's prompt-token counting (src/metering/tokenizer.ts and
 * token-estimate.ts) checked against an independent source: OpenAI's own
 * tokenizer (`tiktoken`, with its own model → encoding table) and the
 * counting recipe and published totals of OpenAI's cookbook.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import {
  countChatPromptTokens,
  countChatRequestTokens,
  countTextTokens,
  estimatePromptTokens,
} from '../../src/metering/index.ts';
import { LONG_DOCUMENT, SAMPLE_TEXTS } from '../support/multilingual-samples.ts';
import { oracleMessageTokens, oracleTextTokens, oracleToolTokens, type OracleMessage, type OracleTool } from '../support/tiktoken-oracle.ts';

const MODELS = ['gpt-4o', 'gpt-4o-mini-2024-07-18', 'gpt-4.1', 'o4-mini', 'gpt-5', 'gpt-4', 'gpt-3.5-turbo-0125', 'text-embedding-3-small'];

// The cookbook's example conversation and its published totals: 129 (gpt-3.5-turbo, gpt-4) and 124 (gpt-4o, gpt-4o-mini).
const COOKBOOK: OracleMessage[] = [
  { role: 'system', content: 'You are a helpful, pattern-following assistant that translates corporate jargon into plain English.' },
  { role: 'system', name: 'example_user', content: 'New synergies will help drive top-line growth.' },
  { role: 'system', name: 'example_assistant', content: 'Things working well together will increase revenue.' },
  { role: 'system', name: 'example_user', content: "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage." },
  { role: 'system', name: 'example_assistant', content: "Let's talk later when we're less busy about how to do better." },
  { role: 'user', content: "This late pivot means we don't have time to boil the ocean for the client deliverable." },
];

// The cookbook's function-calling example: published at 105 (gpt-3.5-turbo, gpt-4) and 101 (gpt-4o, gpt-4o-mini).
const WEATHER_TOOLS: OracleTool[] = [{
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
}];
const WEATHER_MESSAGES: OracleMessage[] = [
  { role: 'system', content: 'You are a helpful assistant that can answer to questions about the weather.' },
  { role: 'user', content: "What's the weather like in San Francisco?" },
];

test('the oracle reproduces the cookbook\'s published counts (so it can be trusted below)', () => {
  assert.equal(oracleMessageTokens(COOKBOOK, 'gpt-4'), 129);
  assert.equal(oracleMessageTokens(COOKBOOK, 'gpt-4o'), 124);
  assert.equal(oracleToolTokens(WEATHER_TOOLS, WEATHER_MESSAGES, 'gpt-4'), 105);
  assert.equal(oracleToolTokens(WEATHER_TOOLS, WEATHER_MESSAGES, 'gpt-4o-mini'), 101);
});

test('plain text in many languages, code and emoji counts as OpenAI\'s tokenizer counts it', () => {
  for (const model of MODELS) {
    for (const [name, text] of Object.entries(SAMPLE_TEXTS)) {
      assert.equal(countTextTokens(text, model), oracleTextTokens(text, model), `${model} ${name}`);
    }
  }
});

test('chat message formatting: roles, names, tool results, every language', () => {
  const conversation: OracleMessage[] = [
    { role: 'system', content: 'Answer in the language of the question.' },
    { role: 'developer', content: SAMPLE_TEXTS['code']! },
    ...Object.entries(SAMPLE_TEXTS).map(([name, content]): OracleMessage => ({ role: 'user', name: `speaker_${name}`, content })),
    { role: 'assistant', content: SAMPLE_TEXTS['japanese']! },
    { role: 'tool', tool_call_id: 'call_Abc123', content: SAMPLE_TEXTS['json']! },
  ];
  for (const model of MODELS) {
    assert.equal(countChatPromptTokens(conversation, model), oracleMessageTokens(conversation, model), model);
    assert.equal(countChatPromptTokens(COOKBOOK, model), oracleMessageTokens(COOKBOOK, model), `${model} cookbook`);
    assert.equal(
      estimatePromptTokens('/v1/chat/completions', { model, messages: conversation }, model),
      oracleMessageTokens(conversation, model),
      `${model} estimate`,
    );
  }
});

test('tool definitions: the cookbook example and tools with several properties and enums', () => {
  const tools: OracleTool[] = [
    ...WEATHER_TOOLS,
    {
      type: 'function',
      function: {
        name: 'book_parking',
        description: 'Reserve a parking spot near a toll plaza.',
        parameters: {
          type: 'object',
          properties: {
            plaza: { type: 'string', description: 'Name of the plaza, e.g. Nordkreuz.' },
            vehicle: { type: 'string', description: 'Vehicle class', enum: ['car', 'van', 'truck', 'motorcycle'] },
            hours: { type: 'integer', description: 'How long.' },
            covered: { type: 'boolean' },
          },
        },
      },
    },
  ];
  const messages: OracleMessage[] = [{ role: 'user', content: SAMPLE_TEXTS['german']! }];
  for (const model of MODELS.filter((m) => !m.startsWith('text-embedding'))) {
    assert.equal(countChatRequestTokens({ messages: WEATHER_MESSAGES, tools: WEATHER_TOOLS }, model), oracleToolTokens(WEATHER_TOOLS, WEATHER_MESSAGES, model), model);
    assert.equal(countChatRequestTokens({ messages, tools }, model), oracleToolTokens(tools, messages, model), `${model} two tools`);
    assert.equal(estimatePromptTokens('/v1/chat/completions', { model, messages, tools }, model), oracleToolTokens(tools, messages, model));
    // Responses-style flat function tools and instructions count the same.
    const flat = tools.map((t) => ({ type: 'function', ...t.function }));
    const viaResponses = estimatePromptTokens('/v1/responses', { model, instructions: 'Be brief.', input: SAMPLE_TEXTS['german'], tools: flat }, model);
    assert.equal(viaResponses, oracleToolTokens(tools, [{ role: 'system', content: 'Be brief.' }, ...messages], model), `${model} responses`);
  }
});

test('long inputs: about 40,000 tokens counted exactly, as prompt, chat and embeddings input', () => {
  for (const model of ['gpt-4o', 'gpt-4', 'text-embedding-3-large']) {
    const expected = oracleTextTokens(LONG_DOCUMENT, model);
    assert.ok(expected > 30_000, String(expected));
    assert.equal(countTextTokens(LONG_DOCUMENT, model), expected, model);
    assert.equal(estimatePromptTokens('/v1/embeddings', { model, input: [LONG_DOCUMENT, SAMPLE_TEXTS['korean']!] }, model), expected + oracleTextTokens(SAMPLE_TEXTS['korean']!, model));
  }
  assert.equal(estimatePromptTokens('/v1/completions', { model: 'gpt-3.5-turbo-instruct', prompt: LONG_DOCUMENT }, 'gpt-3.5-turbo-instruct'), oracleTextTokens(LONG_DOCUMENT, 'gpt-3.5-turbo-instruct'));
  const messages: OracleMessage[] = [{ role: 'system', content: LONG_DOCUMENT }, { role: 'user', content: SAMPLE_TEXTS['arabic']! }];
  assert.equal(countChatPromptTokens(messages, 'gpt-4o'), oracleMessageTokens(messages, 'gpt-4o'));
});

test('long runs without a break: Tollgate cuts them to stay linear and stays within 1 % of OpenAI\'s count', () => {
  for (const text of ['a'.repeat(20_000), '漢字'.repeat(10_000), '!'.repeat(20_000), ' '.repeat(20_000) + 'x']) {
    const expected = oracleTextTokens(text, 'gpt-4o');
    const counted = countTextTokens(text, 'gpt-4o');
    assert.ok(Math.abs(counted - expected) <= Math.max(2, expected * 0.01), `${text.slice(0, 5)}…: ${counted} vs ${expected}`);
  }
});

test('the oracle downloads nothing: tiktoken loads and counts with every network call refused', () => {
  const script = `
    const net = require('node:net'); const http = require('node:http'); const https = require('node:https');
    const refuse = () => { throw new Error('network access attempted'); };
    net.connect = net.createConnection = refuse; http.request = http.get = refuse; https.request = https.get = refuse;
    globalThis.fetch = refuse;
    const { get_encoding, encoding_for_model } = require('tiktoken');
    const n = get_encoding('o200k_base').encode_ordinary('Hello there, world!').length + encoding_for_model('gpt-4').encode_ordinary('tiktoken is great!').length;
    process.stdout.write(String(n));
  `;
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: process.cwd(), timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, '11'); // 5 (o200k_base) + 6 (cl100k_base), the cookbook's examples
});
