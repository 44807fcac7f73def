// The simulator's Files and Batch APIs, driven by the official SDK and checked against the OpenAPI description.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI, { toFile } from 'openai';
import { specOrSkip, useSimulator } from './simulator-test-support.ts';

const ctx = useSimulator({ batchStepMs: 60, fileLimits: { maxFileBytes: 64 * 1024, maxTotalBytes: 1024 * 1024 } });
const client = () => new OpenAI({ apiKey: 'sk-test', baseURL: `${ctx.sim.url}/v1`, maxRetries: 0 });

const jsonl = (lines: unknown[]) => lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';

async function untilDone(c: OpenAI, id: string) {
  for (let i = 0; i < 1000; i++) {
    const b = await c.batches.retrieve(id);
    if (['completed', 'failed', 'cancelled', 'expired'].includes(b.status)) return b;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('batch did not finish');
}

test('files: upload, retrieve, list, content, delete, in the official shapes', async (t) => {
  const spec = specOrSkip(t);
  const c = client();
  const text = jsonl([{ custom_id: 'a', method: 'POST', url: '/v1/embeddings', body: { model: 'text-embedding-3-small', input: 'hi' } }]);
  const file = await c.files.create({ file: await toFile(Buffer.from(text), 'input.jsonl'), purpose: 'batch' });
  assert.equal(file.bytes, Buffer.byteLength(text));
  assert.equal(file.filename, 'input.jsonl');
  assert.equal(file.purpose, 'batch');
  spec?.assertValid('OpenAIFile', file);
  spec?.assertValid('OpenAIFile', await c.files.retrieve(file.id));
  const list = await c.files.list();
  assert.ok(list.data.some((f) => f.id === file.id));
  const raw = (await (await fetch(`${ctx.sim.url}/v1/files?limit=1`, { headers: { authorization: 'Bearer sk-test' } })).json()) as Record<string, unknown>;
  spec?.assertValid('ListFilesResponse', raw);
  assert.equal(await (await c.files.content(file.id)).text(), text);
  const deleted = await c.files.delete(file.id);
  spec?.assertValid('DeleteFileResponse', deleted);
  assert.equal(deleted.deleted, true);
  await assert.rejects(c.files.retrieve(file.id), (e: unknown) => e instanceof OpenAI.NotFoundError);
});

test('files: bad uploads are refused in OpenAI error shape', async () => {
  const c = client();
  const url = `${ctx.sim.url}/v1/files`;
  const noPurpose = new FormData();
  noPurpose.set('file', new Blob(['{}\n']), 'a.jsonl');
  let res = await fetch(url, { method: 'POST', body: noPurpose });
  assert.equal(res.status, 400);
  assert.equal(((await res.json()) as any).error.param, 'purpose');
  const badPurpose = new FormData();
  badPurpose.set('purpose', 'nonsense');
  badPurpose.set('file', new Blob(['{}\n']), 'a.jsonl');
  res = await fetch(url, { method: 'POST', body: badPurpose });
  assert.equal(res.status, 400);
  assert.equal(((await res.json()) as any).error.code, 'invalid_value');
  res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  assert.equal(res.status, 400);
  await assert.rejects(c.files.create({ file: await toFile(Buffer.from('not json\n'), 'x.jsonl'), purpose: 'batch' }), (e: unknown) => e instanceof OpenAI.BadRequestError);
  await assert.rejects(c.files.create({ file: await toFile(Buffer.alloc(200 * 1024, 'a'), 'big.txt'), purpose: 'user_data' }), (e: unknown) => (e as { status?: number }).status === 413);
});

test('batches: a batch runs each line as its endpoint would and writes output and error files', async (t) => {
  const spec = specOrSkip(t);
  const c = client();
  const lines = [
    { custom_id: 'one', method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hi' }], max_tokens: 20 } },
    { custom_id: 'two', method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say bye' }] } },
    { custom_id: 'bad-model', method: 'POST', url: '/v1/chat/completions', body: { model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] } },
    { custom_id: 'wrong-url', method: 'POST', url: '/v1/embeddings', body: { model: 'text-embedding-3-small', input: 'x' } },
  ];
  const input = await c.files.create({ file: await toFile(Buffer.from(jsonl(lines)), 'in.jsonl'), purpose: 'batch' });
  const created = await c.batches.create({ input_file_id: input.id, endpoint: '/v1/chat/completions', completion_window: '24h', metadata: { job: 'nightly' } });
  spec?.assertValid('Batch', created);
  assert.equal(created.status, 'validating');
  const done = await untilDone(c, created.id);
  spec?.assertValid('Batch', done);
  assert.equal(done.status, 'completed');
  assert.deepEqual(done.request_counts, { total: 4, completed: 2, failed: 2 });
  const output = (await (await c.files.content(done.output_file_id!)).text()).trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(output.map((l) => l.custom_id).sort(), ['one', 'two']);
  for (const line of output) {
    assert.match(line.id, /^batch_req_/);
    assert.equal(line.response.status_code, 200);
    assert.equal(line.error, null);
    spec?.assertValid('CreateChatCompletionResponse', line.response.body);
  }
  assert.equal(done.usage?.input_tokens, output.reduce((s, l) => s + l.response.body.usage.prompt_tokens, 0));
  const errors = (await (await c.files.content(done.error_file_id!)).text()).trim().split('\n').map((l) => JSON.parse(l));
  const bad = errors.find((l) => l.custom_id === 'bad-model');
  assert.equal(bad.response.status_code, 404);
  assert.equal(bad.response.body.error.code, 'model_not_found');
  assert.equal(errors.find((l) => l.custom_id === 'wrong-url').error.code, 'invalid_url');
  assert.equal((await c.files.retrieve(done.output_file_id!)).purpose, 'batch_output');

  const list = await c.batches.list({ limit: 1 });
  spec?.assertValid('ListBatchesResponse', { object: 'list', data: list.data, has_more: list.has_more });
  assert.equal(list.data.length, 1);
});

test('batches: embeddings and responses lines, cancel, and bad creates', async () => {
  const c = client();
  const input = await c.files.create({ file: await toFile(Buffer.from(jsonl([{ custom_id: 'e', method: 'POST', url: '/v1/embeddings', body: { model: 'text-embedding-3-small', input: 'hello' } }])), 'e.jsonl'), purpose: 'batch' });
  const done = await untilDone(c, (await c.batches.create({ input_file_id: input.id, endpoint: '/v1/embeddings', completion_window: '24h' })).id);
  assert.equal(done.request_counts?.completed, 1);
  const line = JSON.parse((await (await c.files.content(done.output_file_id!)).text()).trim());
  assert.equal(line.response.body.object, 'list');

  const rin = await c.files.create({ file: await toFile(Buffer.from(jsonl([{ custom_id: 'r', method: 'POST', url: '/v1/responses', body: { model: 'gpt-4o-mini', input: 'hi' } }])), 'r.jsonl'), purpose: 'batch' });
  const rdone = await untilDone(c, (await c.batches.create({ input_file_id: rin.id, endpoint: '/v1/responses', completion_window: '24h' })).id);
  assert.equal(rdone.request_counts?.completed, 1);

  const cancelled = await c.batches.cancel((await c.batches.create({ input_file_id: input.id, endpoint: '/v1/embeddings', completion_window: '24h' })).id);
  assert.equal(cancelled.status, 'cancelling');
  assert.equal((await untilDone(c, cancelled.id)).status, 'cancelled');

  await assert.rejects(c.batches.create({ input_file_id: input.id, endpoint: '/v1/embeddings', completion_window: '48h' as '24h' }), (e: unknown) => e instanceof OpenAI.BadRequestError && (e as any).param === 'completion_window');
  await assert.rejects(c.batches.create({ input_file_id: input.id, endpoint: '/v1/nope' as '/v1/embeddings', completion_window: '24h' }), (e: unknown) => e instanceof OpenAI.BadRequestError);
  await assert.rejects(c.batches.create({ input_file_id: 'file-missing', endpoint: '/v1/embeddings', completion_window: '24h' }), (e: unknown) => e instanceof OpenAI.NotFoundError);
  await assert.rejects(c.batches.retrieve('batch_missing'), (e: unknown) => e instanceof OpenAI.NotFoundError);
});
