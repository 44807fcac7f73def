import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { parseSse, readSse } from '../support/sse.ts';

interface Row {
  request_id: string;
  status: number;
  stream: boolean;
  prompt_tokens: number;
  completion_tokens: number;
  error_code: string | null;
}

const body = (over: Record<string, unknown> = {}) => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Tell me about toll gates on old roads.' }],
  ...over,
});

describe('streaming through the gateway', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway({ env: { TOLLGATE_STREAM_IDLE_TIMEOUT_MS: '400' } });
  });
  after(() => gw.close());

  const usageOf = async (requestId: string) => (await (await gw.call(`/api/usage/${requestId}`)).json()) as Row;

  test('usage is requested upstream and stripped for a client that did not ask; the row is metered', async () => {
    const plain = await gw.call('/v1/chat/completions', { body: body() });
    const plainUsage = ((await plain.json()) as { usage: { prompt_tokens: number; completion_tokens: number } }).usage;

    const res = await gw.call('/v1/chat/completions', { body: body({ stream: true }) });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const id = res.headers.get('x-request-id')!;
    const events = await readSse(res);
    assert.equal(events.at(-1)?.data, '[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data) as { choices: unknown[]; usage?: unknown });
    assert.ok(chunks.every((c) => c.choices.length > 0), 'no usage-only chunk reaches the client');
    assert.ok(chunks.every((c) => !c.usage), 'no usage numbers reach the client');

    const upstreamBody = gw.sim.requests.at(-1)!.body as { stream_options?: { include_usage?: boolean } };
    assert.equal(upstreamBody.stream_options?.include_usage, true, 'the gateway asked the upstream for usage');

    const row = await usageOf(id);
    assert.equal(row.stream, true);
    assert.equal(row.prompt_tokens, plainUsage.prompt_tokens);
    assert.equal(row.completion_tokens, plainUsage.completion_tokens);
    assert.equal(row.error_code, null);
  });

  test('a client that asked for usage gets the usage chunk', async () => {
    const res = await gw.call('/v1/chat/completions', { body: body({ stream: true, stream_options: { include_usage: true } }) });
    const events = await readSse(res);
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data) as { choices: unknown[]; usage?: { completion_tokens: number } | null });
    const usageChunks = chunks.filter((c) => c.usage);
    assert.equal(usageChunks.length, 1);
    assert.deepEqual(usageChunks[0]!.choices, []);
    const row = await usageOf(res.headers.get('x-request-id')!);
    assert.equal(row.completion_tokens, usageChunks[0]!.usage!.completion_tokens);
  });

  test('responses API streams typed events and is metered from response.completed', async () => {
    const res = await gw.call('/v1/responses', { body: { model: 'gpt-4o-mini', input: 'Hello there', stream: true } });
    const events = await readSse(res);
    assert.equal(events[0]!.event, 'response.created');
    assert.equal(events.at(-1)!.event, 'response.completed');
    const completed = JSON.parse(events.at(-1)!.data) as { response: { usage: { input_tokens: number; output_tokens: number } } };
    const row = await usageOf(res.headers.get('x-request-id')!);
    assert.equal(row.prompt_tokens, completed.response.usage.input_tokens);
    assert.equal(row.completion_tokens, completed.response.usage.output_tokens);
  });

  test('a stream that stalls is ended with an error event after the idle timeout, and recorded', async () => {
    gw.sim.faults.push({ kind: 'stall', after_chunks: 2 });
    const res = await gw.call('/v1/chat/completions', { body: body({ stream: true }) });
    const started = performance.now();
    const events = await readSse(res);
    assert.ok(performance.now() - started < 5_000);
    const last = JSON.parse(events.at(-1)!.data) as { error: { code: string } };
    assert.equal(last.error.code, 'upstream_stream_timeout');
    const row = await usageOf(res.headers.get('x-request-id')!);
    assert.equal(row.error_code, 'upstream_stream_timeout');
  });

  test('a stream that breaks mid-way ends with an error event and is recorded', async () => {
    gw.sim.faults.push({ kind: 'break', after_chunks: 2 });
    const res = await gw.call('/v1/chat/completions', { body: body({ stream: true }) });
    const events = await readSse(res);
    const last = JSON.parse(events.at(-1)!.data) as { error: { code: string } };
    assert.equal(last.error.code, 'upstream_interrupted');
    assert.ok(events.length >= 3, 'the chunks before the break were relayed');
    assert.equal((await usageOf(res.headers.get('x-request-id')!)).error_code, 'upstream_interrupted');
  });

  test('a malformed chunk ends the stream with an error instead of passing garbage on', async () => {
    gw.sim.faults.push({ kind: 'malformed', after_chunks: 1 });
    const res = await gw.call('/v1/chat/completions', { body: body({ stream: true }) });
    const events = await readSse(res);
    for (const e of events.slice(0, -1)) JSON.parse(e.data);
    const last = JSON.parse(events.at(-1)!.data) as { error: { code: string } };
    assert.equal(last.error.code, 'upstream_malformed_chunk');
  });

  test('a client that disconnects mid-stream aborts the upstream call; the row is still written', async () => {
    const controller = new AbortController();
    gw.sim.faults.push({ kind: 'stall', after_chunks: 2 });
    const res = await gw.call('/v1/chat/completions', { body: body({ stream: true }) });
    const id = res.headers.get('x-request-id')!;
    // Read the first bytes, then go away well before the gateway's idle timeout would fire.
    const reader = res.body!.getReader();
    const first = await reader.read();
    assert.ok(parseSse(new TextDecoder().decode(first.value)).length >= 1);
    controller.abort();
    await reader.cancel();
    let row: Row | undefined;
    for (let i = 0; i < 50 && !row?.error_code; i++) {
      await new Promise((r) => setTimeout(r, 20));
      const r = await gw.call(`/api/usage/${id}`);
      if (r.status === 200) row = (await r.json()) as Row;
    }
    assert.equal(row?.error_code, 'client_closed');
  });
});
