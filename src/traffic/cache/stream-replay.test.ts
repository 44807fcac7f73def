import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { createSimulator, type Simulator } from '../../upstream/index.ts';
import { replayChatStream } from './chat-stream-replay.ts';
import { replayResponsesStream } from './responses-stream-replay.ts';

/*
 * A cached answer served to a streamed request must be a stream the official SDK accepts and
 * assembles into the same answer. The answers are real ones from the simulator (which follows
 * OpenAI's contract); a tiny node:http server serves their replay as SSE.
 */
describe('cached answers replayed as streams, read by the official openai SDK', () => {
  let sim: Simulator;
  let upstream: OpenAI;
  let replayServer: Server;
  let client: OpenAI;
  /** What the replay server will stream next: framed SSE events. */
  let next: string[] = [];
  let lastBody: Record<string, unknown> = {};

  before(async () => {
    sim = createSimulator({ apiKey: 'sk-sim' });
    await sim.listen(0, '127.0.0.1');
    upstream = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'sk-sim', maxRetries: 0 });
    replayServer = createServer((req, res) => {
      let text = '';
      req.setEncoding('utf8').on('data', (c: string) => (text += c));
      req.on('end', () => {
        lastBody = JSON.parse(text) as Record<string, unknown>;
        res.writeHead(200, { 'content-type': 'text/event-stream', 'x-tollgate-cache-status': 'hit' });
        for (const e of next) res.write(e);
        res.end();
      });
    });
    await new Promise<void>((r) => replayServer.listen(0, '127.0.0.1', r));
    client = new OpenAI({ baseURL: `http://127.0.0.1:${(replayServer.address() as AddressInfo).port}/v1`, apiKey: 'tg-test', maxRetries: 0 });
  });
  after(async () => {
    await new Promise((r) => replayServer.close(r));
    await sim.close();
  });

  const tools = [{ type: 'function' as const, function: { name: 'get_weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];

  test('chat: text in many chunks, with the usage chunk, assembles to the cached message', async () => {
    const cached = await upstream.chat.completions.create({ model: 'gpt-4o-mini', temperature: 0, max_tokens: 200, messages: [{ role: 'user', content: 'Tell me a long story about caches, with ünïcödé and emoji 🚀.' }] });
    next = replayChatStream(cached as unknown as Record<string, unknown>, { includeUsage: true, chunkChars: 5 });
    assert.ok(next.length > 4, 'several chunks');
    const stream = client.chat.completions.stream({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], stream_options: { include_usage: true } });
    let text = '';
    let usageChunks = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usageChunks++;
    }
    const final = await stream.finalChatCompletion();
    assert.equal(lastBody.stream, true);
    assert.equal(text, cached.choices[0]!.message.content);
    assert.equal(final.choices[0]!.message.content, cached.choices[0]!.message.content);
    assert.equal(final.choices[0]!.finish_reason, cached.choices[0]!.finish_reason);
    assert.equal(final.id, cached.id);
    assert.equal(usageChunks, 1);
    assert.deepEqual(final.usage, cached.usage);
  });

  test('chat: tool calls stream their names and arguments and assemble to the cached calls', async () => {
    const cached = await upstream.chat.completions.create({ model: 'gpt-4o-mini', temperature: 0, tools, tool_choice: 'required', messages: [{ role: 'user', content: 'Weather in Paris?' }] });
    assert.ok(cached.choices[0]!.message.tool_calls?.length, 'the simulator called a tool');
    next = replayChatStream(cached as unknown as Record<string, unknown>, { chunkChars: 3 });
    const stream = client.chat.completions.stream({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], tools });
    const final = await stream.finalChatCompletion();
    const calls = final.choices[0]!.message.tool_calls!;
    assert.deepEqual(
      calls.map((c) => c.type === 'function' && { id: c.id, name: c.function.name, arguments: c.function.arguments }),
      cached.choices[0]!.message.tool_calls!.map((c) => c.type === 'function' && { id: c.id, name: c.function.name, arguments: c.function.arguments }),
    );
    assert.equal(final.choices[0]!.finish_reason, 'tool_calls');
    assert.equal(final.choices[0]!.message.content, null);
  });

  test('responses: text in many deltas assembles to the cached response', async () => {
    const cached = await upstream.responses.create({ model: 'gpt-4o-mini', temperature: 0, input: 'Write two sentences about rivers.' });
    next = replayResponsesStream(cached as unknown as Record<string, unknown>, { chunkChars: 4 });
    const stream = client.responses.stream({ model: 'gpt-4o-mini', input: 'x' });
    let deltas = '';
    const types = new Set<string>();
    for await (const event of stream) {
      types.add(event.type);
      if (event.type === 'response.output_text.delta') deltas += event.delta;
    }
    const final = await stream.finalResponse();
    assert.equal(deltas, cached.output_text);
    assert.equal(final.output_text, cached.output_text);
    assert.equal(final.id, cached.id);
    assert.equal(final.status, 'completed');
    assert.deepEqual(final.usage, cached.usage);
    for (const t of ['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added', 'response.output_text.done', 'response.output_item.done', 'response.completed']) {
      assert.ok(types.has(t), t);
    }
  });

  test('responses: a function call streams its arguments and assembles to the cached call', async () => {
    const rtools = [{ type: 'function' as const, name: 'get_weather', strict: false, parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }];
    // The simulator's Responses API answers in text only: the cached answer gets a function call
    // item as OpenAI writes it (a reasoning model's output: a reasoning item, then the call).
    const text = await upstream.responses.create({ model: 'gpt-4o-mini', temperature: 0, input: 'Weather in Oslo?' });
    const call = { type: 'function_call' as const, id: 'fc_0123', call_id: 'call_0123', name: 'get_weather', arguments: '{"city":"Oslo","unit":"celsius"}', status: 'completed' as const };
    const cached = { ...text, output: [{ type: 'reasoning', id: 'rs_0123', summary: [] }, call], tools: rtools };
    next = replayResponsesStream(cached as unknown as Record<string, unknown>, { chunkChars: 2 });
    const stream = client.responses.stream({ model: 'gpt-4o-mini', input: 'x', tools: rtools });
    let args = '';
    for await (const event of stream) if (event.type === 'response.function_call_arguments.delta') args += event.delta;
    const final = await stream.finalResponse();
    const got = final.output.find((o) => o.type === 'function_call');
    assert.ok(got && got.type === 'function_call');
    assert.equal(final.output[0]!.type, 'reasoning');
    assert.equal(args, call.arguments);
    assert.deepEqual({ name: got.name, arguments: got.arguments, call_id: got.call_id }, { name: call.name, arguments: call.arguments, call_id: call.call_id });
  });
});
