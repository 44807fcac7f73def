import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, test } from 'node:test';
import { answerLine, BatchOutput, parseBatchInput, progressDisplay, readBatchInput } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-batch-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const line = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ custom_id: id, method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: id }] }, ...extra });

test('batch input: OpenAI\'s format, validated whole before anything is sent; errors name the line', async () => {
  assert.equal(parseBatchInput(`${line('a')}\n\n${line('b')}\n`).length, 2);
  const cases: [string, RegExp][] = [
    [`${line('a')}\n{oops`, /line 2: not valid JSON/],
    [`${line('a')}\n${line('a')}`, /line 2: custom_id 'a' appears twice/],
    [line('a', { method: 'GET' }), /line 1: method/],
    [line('a', { url: '/v1/images/generations' }), /line 1: url/],
    [line('a', { body: { model: 'm', stream: true } }), /line 1: body.stream/],
    [line('a', { extra: 1 }), /line 1/],
    [JSON.stringify({ custom_id: '', method: 'POST', url: '/v1/embeddings', body: {} }), /custom_id/],
    ['\n\n', /holds no requests/],
  ];
  for (const [text, pattern] of cases) assert.throws(() => parseBatchInput(text), pattern, text);
  await assert.rejects(readBatchInput(join(dir, 'missing.jsonl')), /cannot read .*ENOENT/);
});

test('batch output: the file is the record; a line cut by a crash is dropped, a foreign or damaged file refused', async () => {
  const path = join(dir, 'out.jsonl');
  const ids = new Set(['a', 'b', 'c']);
  const first = await BatchOutput.open(path, ids);
  await first.append(answerLine('a', 200, 'req_1', { ok: true }));
  await first.close();
  writeFileSync(path, `${readFileSync(path, 'utf8')}{"id":"batch_req_x","custom_id":"b","resp`, { flag: 'w' });
  const again = await BatchOutput.open(path, ids);
  assert.deepEqual([...again.done], ['a'], 'the cut line does not count as done');
  await again.append(answerLine('b', 200, 'req_2', {}));
  await again.close();
  const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { custom_id: string; id: string; response: { status_code: number }; error: null });
  assert.deepEqual(lines.map((l) => l.custom_id), ['a', 'b']);
  assert.match(lines[0]!.id, /^batch_req_[0-9a-f]{24}$/);
  assert.equal(lines[0]!.error, null);
  await assert.rejects(BatchOutput.open(path, new Set(['x'])), /request the input does not have/);
  writeFileSync(join(dir, 'bad.jsonl'), 'garbage\n{}\n');
  await assert.rejects(BatchOutput.open(join(dir, 'bad.jsonl'), ids), /line 1 is not valid JSON/);
});

test('progress on a terminal: a bar with percentage, rate, ETA and failures; elsewhere plain lines', () => {
  let clock = 0;
  const tty = Object.assign(new PassThrough(), { isTTY: true, columns: 120 });
  let drawn = '';
  tty.on('data', (c: Buffer) => (drawn += c.toString()));
  const bar = progressDisplay(tty, { now: () => clock });
  bar.update({ total: 100, done: 10, failed: 0, resumed: 10, startedAt: 0 });
  clock = 10_000;
  bar.stop({ total: 100, done: 60, failed: 2, resumed: 10, startedAt: 0 });
  assert.match(drawn, /batch .*60% \| 60\/100 \| 5\.0 req\/s \| ETA 8s \| 2 failed/);

  const pipe = new PassThrough();
  let text = '';
  pipe.on('data', (c: Buffer) => (text += c.toString()));
  clock = 0;
  const plain = progressDisplay(pipe, { now: () => clock, everyMs: 1_000 });
  plain.update({ total: 10, done: 0, failed: 0, resumed: 0, startedAt: 0 });
  clock = 2_000;
  plain.update({ total: 10, done: 4, failed: 0, resumed: 0, startedAt: 0 });
  clock = 2_100;
  plain.update({ total: 10, done: 5, failed: 0, resumed: 0, startedAt: 0 });
  plain.stop({ total: 10, done: 10, failed: 1, resumed: 0, startedAt: 0 });
  assert.deepEqual(text.trim().split('\n'), [
    'batch: 0/10 done (0%), 0.0 req/s, 0 failed',
    'batch: 4/10 done (40%), 2.0 req/s, ETA 3s, 0 failed',
    'batch: 10/10 done (100%), 4.8 req/s, ETA 0s, 1 failed',
  ]);
  assert.ok(!/\u001b/.test(text), 'no terminal escapes in plain output');
});
