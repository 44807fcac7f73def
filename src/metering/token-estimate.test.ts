import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  countChatPromptTokens,
  countCompletionText,
  countTextTokens,
  countToolTokens,
  estimatePromptTokens,
  maxOutputTokensOf,
  type EstimateEndpoint,
} from './index.ts';

const t = (text: string, model = 'gpt-4o'): number => countTextTokens(text, model);

/** The signature and IHDR chunk of a 512×512 PNG: all the estimator reads. */
function png512DataUrl(): string {
  const b = Buffer.alloc(33);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 0);
  b.writeUInt32BE(13, 8);
  b.write('IHDR', 12, 'latin1');
  b.writeUInt32BE(512, 16);
  b.writeUInt32BE(512, 20);
  b[24] = 8;
  b[25] = 6;
  return `data:image/png;base64,${b.toString('base64')}`;
}

const WEATHER_TOOL = {
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
};

test('chat: messages plus tools, as published by the cookbook', () => {
  const body = {
    model: 'gpt-4o',
    messages: [
      { role: 'system', content: 'You are a helpful assistant that can answer to questions about the weather.' },
      { role: 'user', content: "What's the weather like in San Francisco?" },
    ],
    tools: [WEATHER_TOOL],
  };
  assert.equal(estimatePromptTokens('/v1/chat/completions', body, 'gpt-4o'), 101);
  assert.equal(estimatePromptTokens('/v1/chat/completions', { ...body }, 'gpt-4'), 105);
});

test('chat: image parts are part of the estimate', () => {
  const messages = [
    {
      role: 'user',
      content: [
        { type: 'text', text: 'What is in this image?' },
        { type: 'image_url', image_url: { url: png512DataUrl(), detail: 'high' } },
      ],
    },
  ];
  assert.equal(estimatePromptTokens('/v1/chat/completions', { messages }, 'gpt-4o'), 3 + t('user') + t('What is in this image?') + 255 + 3);
});

test('responses: instructions and a string input', () => {
  const body = { model: 'gpt-4o', instructions: 'Answer in one word.', input: 'Capital of France?' };
  const expected = 3 + t('system') + t('Answer in one word.') + 3 + t('user') + t('Capital of France?') + 3;
  assert.equal(estimatePromptTokens('/v1/responses', body, 'gpt-4o'), expected);
});

test('responses: item lists with text, images, calls and outputs; ids never count', () => {
  const body = {
    input: [
      {
        role: 'user',
        content: [
          { type: 'input_text', text: 'Describe it.' },
          { type: 'input_image', image_url: png512DataUrl(), detail: 'high' },
          { type: 'input_image', image_url: 'https://example.com/x.png', detail: 'low' },
          { type: 'input_file', file_id: 'file-abc' },
        ],
      },
      {
        type: 'message',
        id: 'msg_0123456789abcdef',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'A cat.', annotations: [] }],
      },
      { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'lookup', arguments: '{"q":"cat"}' },
      { type: 'function_call_output', call_id: 'call_1', output: 'Felis catus' },
      { type: 'reasoning', id: 'rs_1', summary: [] },
      { type: 'item_reference', id: 'msg_x' },
    ],
    tools: [{ type: 'function', ...WEATHER_TOOL.function }, { type: 'web_search' }],
  };
  const expected =
    3 + t('user') + t('Describe it.') + 255 + 85 +
    3 + t('assistant') + t('A cat.') +
    3 + t('assistant') + t('lookup') + t('{"q":"cat"}') +
    3 + t('tool') + t('Felis catus') + t('call_1') +
    3 +
    countToolTokens([WEATHER_TOOL], 'gpt-4o');
  assert.equal(estimatePromptTokens('/v1/responses', body, 'gpt-4o'), expected);
});

test('completions: prompt as string, strings, token array, token arrays; suffix', () => {
  const e = (body: Record<string, unknown>): number => estimatePromptTokens('/v1/completions', body, 'gpt-3.5-turbo-instruct');
  assert.equal(e({ prompt: 'Say this is a test' }), t('Say this is a test', 'gpt-3.5-turbo-instruct'));
  assert.equal(e({ prompt: ['one', 'two three'] }), t('one', 'gpt-3.5-turbo-instruct') + t('two three', 'gpt-3.5-turbo-instruct'));
  assert.equal(e({ prompt: [1, 2, 3, 4] }), 4);
  assert.equal(e({ prompt: [[1, 2], [3, 4, 5]] }), 5);
  assert.equal(e({ prompt: 'def f(', suffix: '    return x' }), t('def f(', 'gpt-3.5-turbo-instruct') + t('    return x', 'gpt-3.5-turbo-instruct'));
});

test('embeddings: same input shapes, with the embedding model encoding', () => {
  const text = 'The food was delicious and the waiter was friendly.';
  assert.equal(estimatePromptTokens('/v1/embeddings', { input: text }, 'text-embedding-3-small'), t(text, 'text-embedding-3-small'));
  assert.equal(estimatePromptTokens('/v1/embeddings', { input: [text, text] }, 'text-embedding-3-large'), 2 * t(text, 'gpt-4'));
  assert.equal(estimatePromptTokens('/v1/embeddings', { input: [[1, 2, 3], [4]] }, 'text-embedding-3-small'), 4);
});

test('moderations: text inputs only', () => {
  assert.equal(estimatePromptTokens('/v1/moderations', { input: 'I want to hug you' }, 'omni-moderation-latest'), t('I want to hug you'));
  assert.equal(
    estimatePromptTokens(
      '/v1/moderations',
      { input: [{ type: 'text', text: 'hello' }, { type: 'image_url', image_url: { url: 'https://example.com/a.png' } }, 'bye'] },
      'omni-moderation-latest',
    ),
    t('hello') + t('bye'),
  );
});

test('max output tokens by endpoint', () => {
  const chat: EstimateEndpoint = '/v1/chat/completions';
  assert.equal(maxOutputTokensOf(chat, { max_tokens: 100 }), 100);
  assert.equal(maxOutputTokensOf(chat, { max_completion_tokens: 50, max_tokens: 100 }), 50);
  assert.equal(maxOutputTokensOf(chat, { max_completion_tokens: null, max_tokens: 100 }), 100);
  assert.equal(maxOutputTokensOf(chat, { max_completion_tokens: 50, n: 3 }), 150);
  assert.equal(maxOutputTokensOf(chat, { max_completion_tokens: 50, n: 1 }), 50);
  assert.equal(maxOutputTokensOf(chat, { n: 3 }), undefined);
  assert.equal(maxOutputTokensOf(chat, {}), undefined);

  assert.equal(maxOutputTokensOf('/v1/responses', { max_output_tokens: 256 }), 256);
  assert.equal(maxOutputTokensOf('/v1/responses', { max_tokens: 256 }), undefined);

  const completions: EstimateEndpoint = '/v1/completions';
  assert.equal(maxOutputTokensOf(completions, { prompt: 'x' }), 16);
  assert.equal(maxOutputTokensOf(completions, { prompt: 'x', max_tokens: null }), 16);
  assert.equal(maxOutputTokensOf(completions, { prompt: 'x', max_tokens: 64, n: 2 }), 128);
  assert.equal(maxOutputTokensOf(completions, { prompt: 'x', max_tokens: 64, n: 2, best_of: 5 }), 320);
  assert.equal(maxOutputTokensOf(completions, { prompt: ['a', 'b', 'c'], max_tokens: 10 }), 30);
  assert.equal(maxOutputTokensOf(completions, { prompt: [1, 2, 3], max_tokens: 10 }), 10);
  assert.equal(maxOutputTokensOf(completions, { prompt: [[1], [2]], max_tokens: 10 }), 20);

  assert.equal(maxOutputTokensOf('/v1/embeddings', { input: 'x' }), 0);
  assert.equal(maxOutputTokensOf('/v1/moderations', { input: 'x' }), 0);
});

test('max output tokens ignores invalid values', () => {
  assert.equal(maxOutputTokensOf('/v1/chat/completions', { max_tokens: '100' }), undefined);
  assert.equal(maxOutputTokensOf('/v1/chat/completions', { max_tokens: -5 }), undefined);
  assert.equal(maxOutputTokensOf('/v1/chat/completions', { max_tokens: 1.5 }), undefined);
  assert.equal(maxOutputTokensOf('/v1/chat/completions', { max_tokens: 10, n: 'two' }), 10);
  assert.equal(maxOutputTokensOf('/v1/completions', { max_tokens: Number.NaN }), 16);
  assert.equal(maxOutputTokensOf('/v1/chat/completions', null as unknown as Record<string, unknown>), undefined);
});

test('completion text of an interrupted stream', () => {
  assert.equal(countCompletionText('', 'gpt-4o'), 0);
  assert.equal(countCompletionText('Hello there, world!', 'gpt-4o'), 5);
  assert.equal(countCompletionText('tiktoken is great!', 'gpt-4'), 6);
});

test('malformed bodies never throw and give a best-effort count', () => {
  const endpoints: EstimateEndpoint[] = ['/v1/chat/completions', '/v1/responses', '/v1/completions', '/v1/embeddings', '/v1/moderations'];
  const bodies: unknown[] = [
    {},
    { messages: 'hi', input: 42, prompt: { text: 'x' } },
    { messages: [null, 1, { role: 5, content: { text: 'x' } }], tools: [null, 'x', { type: 'function', function: 'nope' }] },
    { input: [null, 7, 'loose string', { type: 'message', content: 5 }, { type: 'function_call_output', output: { ok: true } }] },
    { prompt: [null, {}, 'ok', [1, 'x']] },
    { input: [{ type: 'image_url' }, { text: 3 }] },
  ];
  for (const endpoint of endpoints) {
    for (const body of bodies) {
      const n = estimatePromptTokens(endpoint, body as Record<string, unknown>, 'gpt-4o');
      assert.ok(Number.isInteger(n) && n >= 0, `${endpoint} ${JSON.stringify(body)}`);
      assert.doesNotThrow(() => maxOutputTokensOf(endpoint, body as Record<string, unknown>));
    }
    assert.equal(estimatePromptTokens(endpoint, null as unknown as Record<string, unknown>, 'gpt-4o'), 0);
  }
  // A loose string among Responses items counts as a user message.
  const loose = estimatePromptTokens('/v1/responses', { input: ['loose string'] }, 'gpt-4o');
  assert.equal(loose, countChatPromptTokens([{ role: 'user', content: 'loose string' }], 'gpt-4o'));
  // Even a body whose fields throw when read yields a number.
  const hostile = Object.defineProperty({}, 'messages', { enumerable: true, get() { throw new Error('boom'); } });
  assert.equal(estimatePromptTokens('/v1/chat/completions', hostile, 'gpt-4o'), 0);
  // Unknown endpoints (from untyped callers) estimate nothing.
  assert.equal(estimatePromptTokens('/v1/audio/speech' as EstimateEndpoint, { input: 'hi' }, 'gpt-4o'), 0);
});

test('a body is tokenized once for the same endpoint and model', () => {
  let reads = 0;
  const messages = [{ role: 'user', content: 'Count me once.' }];
  const body = Object.defineProperty({}, 'messages', { enumerable: true, get() { reads++; return messages; } });
  const first = estimatePromptTokens('/v1/chat/completions', body, 'gpt-4o');
  const second = estimatePromptTokens('/v1/chat/completions', body, 'gpt-4o');
  assert.equal(first, second);
  assert.equal(reads, 1);
  // A different model is a different count.
  estimatePromptTokens('/v1/chat/completions', body, 'gpt-4');
  assert.equal(reads, 2);
});
