import assert from 'node:assert/strict';
import { test } from 'node:test';
import { replayChatStream } from './chat-stream-replay.ts';
import { replayResponsesStream } from './responses-stream-replay.ts';
import { StreamAssembler } from './stream-assembler.ts';

const completion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gpt-4o-mini-2024-07-18',
  system_fingerprint: 'fp_1',
  choices: [
    { index: 0, message: { role: 'assistant', content: 'Grüße, 世界 🚀 — a longer answer in pieces.', refusal: null }, logprobs: null, finish_reason: 'stop' },
    {
      index: 1,
      message: { role: 'assistant', content: null, refusal: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
      logprobs: null,
      finish_reason: 'tool_calls',
    },
  ],
  usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 },
};

const feedAll = (a: StreamAssembler, events: string[]) => {
  // As the relay writes: several whole events per write.
  for (let i = 0; i < events.length; i += 3) a.feed(Buffer.from(events.slice(i, i + 3).join('')));
};

test('a chat stream is gathered back into the completion it streamed (text, tool calls, usage)', () => {
  const a = new StreamAssembler('chat', 1 << 20);
  feedAll(a, replayChatStream(completion, { includeUsage: true, chunkChars: 4 }));
  assert.deepEqual(a.result(), completion);
});

test('without a usage chunk the usage given by the caller is used', () => {
  const a = new StreamAssembler('chat', 1 << 20);
  feedAll(a, replayChatStream(completion, { chunkChars: 4 }));
  assert.deepEqual(a.result({ prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 })?.usage, { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 });
});

test('an unfinished, failed, malformed or oversized stream gives nothing to store', () => {
  const events = replayChatStream(completion, { chunkChars: 4 });
  const cut = new StreamAssembler('chat', 1 << 20);
  feedAll(cut, events.slice(0, -1)); // no [DONE]
  assert.equal(cut.result(), undefined);

  const failed = new StreamAssembler('chat', 1 << 20);
  feedAll(failed, [...events.slice(0, 3), `data: ${JSON.stringify({ error: { message: 'x', type: 'api_error', param: null, code: 'upstream_interrupted' } })}\n\n`, 'data: [DONE]\n\n']);
  assert.equal(failed.result(), undefined);

  const malformed = new StreamAssembler('chat', 1 << 20);
  feedAll(malformed, [...events.slice(0, 2), 'data: {"id":\n\n', ...events.slice(2)]);
  assert.equal(malformed.result(), undefined);

  const big = new StreamAssembler('chat', 10);
  feedAll(big, events);
  assert.equal(big.result(), undefined, 'the answer is past the bound');
});

test('a Responses stream gives the response of response.completed', () => {
  const response = { id: 'resp_1', object: 'response', status: 'completed', model: 'gpt-4o-mini', output: [{ type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Rivers run.', annotations: [] }] }], usage: { input_tokens: 3, output_tokens: 3, total_tokens: 6 } };
  const a = new StreamAssembler('responses', 1 << 20);
  feedAll(a, replayResponsesStream(response, { chunkChars: 3 }));
  assert.deepEqual(a.result(), response);
  const cut = new StreamAssembler('responses', 1 << 20);
  feedAll(cut, replayResponsesStream(response).slice(0, -1));
  assert.equal(cut.result(), undefined);
});
