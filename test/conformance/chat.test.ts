import assert from 'node:assert/strict';
import { test } from 'node:test';
import type OpenAI from 'openai';
import { CHAT_MODEL, conformanceSuite, conforms, USER_MESSAGES } from './support.ts';

conformanceSuite('SDK chat completions through Tollgate', (c) => {
  const request = { model: CHAT_MODEL, messages: USER_MESSAGES } as const;

  test('plain: a non-empty answer, positive usage and an x-request-id', async (t) => {
    const client = await c.client();
    const { data, response, request_id } = await client.chat.completions.create(request).withResponse();
    assert.equal(response.status, 200);
    assert.match(request_id ?? '', /^req_[0-9a-f]{32}$/, 'Tollgate request id exposed to the SDK');
    assert.equal(response.headers.get('x-request-id'), request_id);
    assert.equal(data.object, 'chat.completion');
    assert.equal(data.choices.length, 1);
    const message = data.choices[0]!.message;
    assert.equal(message.role, 'assistant');
    assert.equal(typeof message.content, 'string');
    assert.ok(message.content!.length > 0, 'content is non-empty');
    assert.equal(data.choices[0]!.finish_reason, 'stop');
    assert.ok(data.model.startsWith(CHAT_MODEL), `served model ${data.model}`);
    const usage = data.usage!;
    assert.ok(usage.prompt_tokens > 0);
    assert.ok(usage.completion_tokens > 0);
    assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
    conforms(t, 'CreateChatCompletionResponse', JSON.parse(await c.observer.last().body));
  });

  test('streamed with for await: deltas join to the non-streamed text, no usage chunk without stream_options', async (t) => {
    const client = await c.client();
    const plain = await client.chat.completions.create(request);
    const { data: stream, response } = await client.chat.completions.create({ ...request, stream: true }).withResponse();
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.match(response.headers.get('x-request-id') ?? '', /^req_/);
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    assert.ok(chunks.length >= 3, `several chunks arrived (${chunks.length})`);
    const text = chunks.map((ch) => ch.choices[0]?.delta.content ?? '').join('');
    assert.equal(text, plain.choices[0]!.message.content);
    assert.equal(new Set(chunks.map((ch) => ch.id)).size, 1, 'every chunk carries the same id');
    assert.equal(chunks.at(-1)!.choices[0]?.finish_reason, 'stop');
    assert.ok(chunks.every((ch) => ch.choices.length > 0), 'no choices-less (usage) chunk');
    assert.ok(chunks.every((ch) => !ch.usage), 'no usage numbers reach a client that did not ask');
    for (const ch of chunks) {
      assert.equal(ch.object, 'chat.completion.chunk');
      conforms(t, 'CreateChatCompletionStreamResponse', ch);
    }
  });

  test('streamed with include_usage: exactly one usage chunk, with choices [] and the non-streamed usage', async (t) => {
    const client = await c.client();
    const plain = await client.chat.completions.create(request);
    const stream = await client.chat.completions.create({ ...request, stream: true, stream_options: { include_usage: true } });
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const withUsage = chunks.filter((ch) => ch.usage);
    assert.equal(withUsage.length, 1, 'exactly one usage chunk');
    assert.equal(withUsage[0], chunks.at(-1), 'the usage chunk comes last');
    assert.deepEqual(withUsage[0]!.choices, []);
    assert.deepEqual(withUsage[0]!.usage, plain.usage);
    const text = chunks.map((ch) => ch.choices[0]?.delta.content ?? '').join('');
    assert.equal(text, plain.choices[0]!.message.content);
    for (const ch of chunks) conforms(t, 'CreateChatCompletionStreamResponse', ch);
  });

  test('streamed with include_usage: false behaves like no stream_options', async () => {
    const client = await c.client();
    const stream = await client.chat.completions.create({ ...request, stream: true, stream_options: { include_usage: false } });
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    assert.ok(chunks.length > 0);
    assert.ok(chunks.every((ch) => ch.choices.length > 0 && !ch.usage), 'no usage chunk');
  });

  test('chat.completions.stream helper: finalChatCompletion matches the plain answer', async () => {
    const client = await c.client();
    const plain = await client.chat.completions.create(request);
    const runner = client.chat.completions.stream({ ...request, stream_options: { include_usage: true } });
    let deltas = '';
    runner.on('content', (delta) => {
      deltas += delta;
    });
    const final = await runner.finalChatCompletion();
    assert.equal(final.choices[0]!.message.content, plain.choices[0]!.message.content);
    assert.equal(deltas, plain.choices[0]!.message.content);
    assert.deepEqual(final.usage, plain.usage);
  });

  test('the raw SSE bytes the SDK read end with [DONE] and every event validates', async (t) => {
    const client = await c.client();
    const stream = await client.chat.completions.create({ ...request, stream: true });
    for await (const _ of stream) {
      // drain
    }
    const raw = await c.observer.last().body;
    const datas = raw.split(/\n\n/).filter((e) => e.startsWith('data:')).map((e) => e.slice(5).trim());
    assert.equal(datas.at(-1), '[DONE]');
    for (const d of datas.slice(0, -1)) {
      const chunk = JSON.parse(d) as Record<string, unknown>;
      assert.ok(!('usage' in chunk) || chunk.usage === null, 'no usage in a chunk the client did not ask usage for');
      conforms(t, 'CreateChatCompletionStreamResponse', chunk);
    }
  });

  test('n=2 and a max_tokens cut-off come back as the SDK expects', async (t) => {
    const client = await c.client();
    const two = await client.chat.completions.create({ ...request, n: 2 });
    assert.deepEqual(two.choices.map((ch) => ch.index), [0, 1]);
    const cut = await client.chat.completions.create({ ...request, max_tokens: 3 });
    assert.equal(cut.choices[0]!.finish_reason, 'length');
    assert.equal(cut.usage!.completion_tokens, 3);
    conforms(t, 'CreateChatCompletionResponse', two);
    conforms(t, 'CreateChatCompletionResponse', cut);
  });
});
