import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import { createSimulator } from './simulator-server.ts';
import { parseSse } from '../../../test/support/sse.ts';
import { postJson, specOrSkip, useSimulator } from './simulator-test-support.ts';

const ctx = useSimulator();
type Json = Record<string, any>;

const CHAT = { model: 'gpt-4o', messages: [{ role: 'user', content: 'Fault injection please.' }] };
const STREAM_CHAT = { ...CHAT, stream: true };

function chat(body: unknown = CHAT, headers: Record<string, string> = {}): Promise<Response> {
  return postJson(`${ctx.sim.url}/v1/chat/completions`, body, headers);
}

function control(method: string, path: string, body?: unknown): Promise<Response> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { 'content-type': 'application/json' };
  }
  return fetch(`${ctx.sim.url}/_simulator/${path}`, init);
}

type ReadOutcome = { text: string; state: 'ended' | 'quiet' | 'error' };

/** Reads a streaming body until it ends, errors, or sends nothing for `quietMs`. */
async function readUntilQuiet(response: Response, quietMs: number): Promise<ReadOutcome> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), sleep(quietMs, undefined, { ref: false }).then(() => 'quiet' as const)]);
      if (next === 'quiet') return { text, state: 'quiet' };
      if (next.done) return { text, state: 'ended' };
      text += decoder.decode(next.value, { stream: true });
    }
  } catch {
    return { text, state: 'error' };
  }
}

test('in-process status fault serves once, then requests succeed', async () => {
  ctx.sim.faults.push({ kind: 'status', status: 500 });
  const failed = await chat();
  assert.equal(failed.status, 500);
  const body = (await failed.json()) as Json;
  assert.equal(body['error'].type, 'server_error');
  assert.ok(failed.headers.get('x-request-id'));
  assert.equal((await chat()).status, 200);
  assert.equal(ctx.sim.faults.size, 0);
});

test('429 via the control API carries Retry-After and exhausted rate-limit headers', async () => {
  const queued = await control('POST', 'faults', { faults: [{ kind: 'status', status: 429, retry_after: 2, times: 2 }] });
  assert.equal(queued.status, 200);
  for (let i = 0; i < 2; i++) {
    const response = await chat();
    assert.equal(response.status, 429);
    assert.equal(response.headers.get('retry-after'), '2');
    assert.equal(response.headers.get('retry-after-ms'), '2000');
    assert.equal(response.headers.get('x-ratelimit-remaining-requests'), '0');
    assert.ok(response.headers.get('x-ratelimit-limit-requests'));
    assert.ok(response.headers.get('x-ratelimit-reset-requests'));
    const body = (await response.json()) as Json;
    assert.equal(body['error'].type, 'requests');
    assert.equal(body['error'].code, 'rate_limit_exceeded');
    assert.equal(body['error'].param, null);
    assert.match(body['error'].message, /Rate limit reached for gpt-4o/);
  }
  assert.equal((await chat()).status, 200);
});

test('custom message, type and code override the defaults', async () => {
  ctx.sim.faults.push({ kind: 'status', status: 429, retry_after: 0, type: 'insufficient_quota', code: 'insufficient_quota', message: 'You exceeded your current quota.' });
  const response = await chat();
  assert.equal(response.status, 429);
  assert.deepEqual(((await response.json()) as Json)['error'], {
    message: 'You exceeded your current quota.', type: 'insufficient_quota', param: null, code: 'insufficient_quota',
  });
});

test('match restricts faults by path, model and stream', async () => {
  ctx.sim.faults.push(
    { kind: 'status', status: 503, match: { model: 'gpt-4o-mini' } },
    { kind: 'status', status: 502, match: { path: '/v1/embeddings' } },
  );
  assert.equal((await chat()).status, 200, 'gpt-4o does not match');
  assert.equal((await chat({ ...CHAT, model: 'gpt-4o-mini' })).status, 503);
  assert.equal((await chat()).status, 200);
  const embedding = await postJson(`${ctx.sim.url}/v1/embeddings`, { model: 'text-embedding-3-small', input: 'x' });
  assert.equal(embedding.status, 502);
  assert.equal(ctx.sim.faults.size, 0);

  ctx.sim.faults.push({ kind: 'status', status: 500, match: { stream: true } });
  assert.equal((await chat()).status, 200);
  assert.equal((await chat(STREAM_CHAT)).status, 500);
});

test('faults are consumed in FIFO order; latency combines with an outcome', async () => {
  ctx.sim.faults.push({ kind: 'status', status: 500 }, { kind: 'status', status: 503 }, { kind: 'latency', ms: 120 });
  const started = performance.now();
  assert.equal((await chat()).status, 500);
  assert.ok(performance.now() - started >= 110, 'the latency fault applied to the same request');
  assert.equal((await chat()).status, 503);
  assert.equal((await chat()).status, 200);
});

test('x-simulator-fault header applies to one request without touching the queue', async () => {
  ctx.sim.faults.push({ kind: 'status', status: 500 });
  const viaHeader = await chat(CHAT, { 'x-simulator-fault': JSON.stringify({ kind: 'status', status: 504 }) });
  assert.equal(viaHeader.status, 504);
  assert.equal(ctx.sim.faults.size, 1);
  assert.equal((await chat()).status, 500);
  const invalid = await chat(CHAT, { 'x-simulator-fault': '{"kind":"explode"}' });
  assert.equal(invalid.status, 400);
  assert.equal(((await invalid.json()) as Json)['error'].code, 'invalid_simulator_fault');
});

test('latency delays the first byte', async () => {
  const started = performance.now();
  const response = await chat(STREAM_CHAT, { 'x-simulator-fault': JSON.stringify({ kind: 'latency', ms: 150 }) });
  assert.ok(performance.now() - started >= 140);
  assert.equal(response.status, 200);
  assert.equal(parseSse(await response.text()).at(-1)?.data, '[DONE]');
});

test('stall sends N chunks then holds the socket open', async () => {
  const abort = new AbortController();
  const response = await fetch(`${ctx.sim.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-simulator-fault': JSON.stringify({ kind: 'stall', after_chunks: 2 }) },
    body: JSON.stringify(STREAM_CHAT),
    signal: abort.signal,
  });
  const outcome = await readUntilQuiet(response, 250);
  assert.equal(outcome.state, 'quiet');
  const events = parseSse(outcome.text);
  assert.equal(events.length, 2);
  for (const event of events) JSON.parse(event.data);
  abort.abort();
  assert.equal((await chat()).status, 200, 'the simulator keeps serving');
});

test('break sends N chunks then destroys the socket', async () => {
  ctx.sim.faults.push({ kind: 'break', after_chunks: 3 });
  const response = await chat(STREAM_CHAT);
  assert.equal(response.status, 200);
  const outcome = await readUntilQuiet(response, 2000);
  assert.equal(outcome.state, 'error');
  assert.equal(parseSse(outcome.text).length, 3);
});

test('malformed sends N chunks, one broken event, then the rest', async () => {
  const clean = parseSse(await (await chat(STREAM_CHAT)).text());
  ctx.sim.faults.push({ kind: 'malformed', after_chunks: 1 });
  const events = parseSse(await (await chat(STREAM_CHAT)).text());
  assert.equal(events.length, clean.length + 1);
  JSON.parse(events[0]?.data ?? '');
  assert.throws(() => JSON.parse(events[1]?.data ?? ''));
  for (const event of events.slice(2, -1)) JSON.parse(event.data);
  assert.equal(events.at(-1)?.data, '[DONE]');
});

test('stream faults also apply to the Responses API stream', async () => {
  ctx.sim.faults.push({ kind: 'malformed', after_chunks: 2, match: { path: '/v1/responses' } });
  const response = await postJson(`${ctx.sim.url}/v1/responses`, { model: 'gpt-4o', input: 'hi', stream: true });
  const events = parseSse(await response.text());
  assert.equal(events[2]?.event, 'response.output_item.added', 'the event: line survives');
  assert.throws(() => JSON.parse(events[2]?.data ?? ''));
  assert.equal(events.at(-1)?.event, 'response.completed');
});

test('stream faults on non-streaming requests: stall, break, malformed JSON', async () => {
  ctx.sim.faults.push({ kind: 'malformed' });
  const malformed = await chat();
  assert.equal(malformed.status, 200);
  await assert.rejects(malformed.json());

  ctx.sim.faults.push({ kind: 'break' });
  await assert.rejects(chat());

  const abort = new AbortController();
  ctx.sim.faults.push({ kind: 'stall', match: { path: '/v1/models' } });
  const stalled = fetch(`${ctx.sim.url}/v1/models`, { signal: abort.signal }).then(() => 'answered', () => 'aborted');
  const raced = await Promise.race([stalled, sleep(250, undefined, { ref: false }).then(() => 'waiting')]);
  assert.equal(raced, 'waiting', 'the stalled request never answers');
  abort.abort();
  assert.equal(await stalled, 'aborted');
});

test('the SDK surfaces faults and honours Retry-After', async () => {
  const noRetry = new OpenAI({ baseURL: `${ctx.sim.url}/v1`, apiKey: 'x', maxRetries: 0 });
  ctx.sim.faults.push({ kind: 'status', status: 429, retry_after: 0.05 });
  await assert.rejects(noRetry.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }), (error: unknown) => {
    assert.ok(error instanceof OpenAI.RateLimitError);
    assert.equal(error.code, 'rate_limit_exceeded');
    return true;
  });

  const retrying = new OpenAI({ baseURL: `${ctx.sim.url}/v1`, apiKey: 'x', maxRetries: 2 });
  ctx.sim.faults.push({ kind: 'status', status: 429, retry_after: 0.05 });
  const before = ctx.sim.requests.length;
  const completion = await retrying.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] });
  assert.ok(completion.choices[0]?.message.content);
  assert.equal(ctx.sim.requests.length - before, 2, 'one 429 and one successful retry');
});

test('control API: list and clear faults, recorded requests, validation', async () => {
  await control('DELETE', 'faults');
  await control('POST', 'faults', { faults: [{ kind: 'latency', ms: 1, times: 3 }, { kind: 'break', after_chunks: 4 }] });
  const listed = (await (await control('GET', 'faults')).json()) as Json;
  assert.equal(listed['data'].length, 2);
  assert.equal(listed['data'][0].remaining, 3);
  const cleared = (await (await control('DELETE', 'faults')).json()) as Json;
  assert.equal(cleared['cleared'], 2);
  assert.equal(ctx.sim.faults.size, 0);

  const bad = await control('POST', 'faults', { faults: [{ kind: 'status' }] });
  assert.equal(bad.status, 400);
  assert.equal(((await bad.json()) as Json)['error'].code, 'invalid_simulator_fault');
  assert.equal((await control('GET', 'nothing-here')).status, 404);

  await control('DELETE', 'requests');
  await chat(CHAT, { 'X-Custom-Header': 'Value' });
  const recorded = (await (await control('GET', 'requests')).json()) as Json;
  assert.equal(recorded['data'].length, 1, 'control calls are not recorded');
  const entry = recorded['data'][0] as Json;
  assert.equal(entry['method'], 'POST');
  assert.equal(entry['path'], '/v1/chat/completions');
  assert.equal(entry['headers']['x-custom-header'], 'Value');
  assert.equal(entry['headers']['authorization'], 'Bearer sk-test');
  assert.deepEqual(entry['body'], CHAT);
  assert.match(entry['requestId'], /^req_/);
});

test('the request log keeps the last 200 requests', async () => {
  await control('DELETE', 'requests');
  await Promise.all(Array.from({ length: 210 }, () => fetch(`${ctx.sim.url}/v1/models`).then((r) => r.arrayBuffer())));
  assert.equal(ctx.sim.requests.length, 200);
});

test('close() does not wait for stalled streams', async () => {
  const sim = createSimulator();
  const url = await sim.listen(0);
  const response = await postJson(`${url}/v1/chat/completions`, STREAM_CHAT, { 'x-simulator-fault': '{"kind":"stall","after_chunks":1}' });
  assert.equal(response.status, 200);
  const started = performance.now();
  await sim.close();
  assert.ok(performance.now() - started < 1000);
  await response.text().catch(() => undefined);
});

test('fault error bodies validate against ErrorResponse', async (t) => {
  const spec = specOrSkip(t);
  if (spec === undefined) return;
  for (const status of [400, 401, 403, 404, 429, 500, 502, 503, 504]) {
    const response = await chat(CHAT, { 'x-simulator-fault': JSON.stringify({ kind: 'status', status }) });
    assert.equal(response.status, status);
    spec.assertValid('ErrorResponse', await response.json());
  }
});
