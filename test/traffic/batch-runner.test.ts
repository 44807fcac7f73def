import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { BatchOutput, parseBatchInput, runBatch } from '../../src/traffic/batch/index.ts';
import { startGateway, type TestGateway } from '../support/gateway.ts';

const BIN = join(import.meta.dirname, '../../bin/tollgate.js');

interface OutLine {
  id: string;
  custom_id: string;
  response: { status_code: number; request_id: string; body: Record<string, any> } | null;
  error: { code: string; message: string } | null;
}

const readOut = (path: string): OutLine[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as OutLine);

function inputText(n: number, prefix = 'req'): string {
  return Array.from({ length: n }, (_, i) =>
    JSON.stringify(
      i % 5 === 4
        ? { custom_id: `${prefix}-${i}`, method: 'POST', url: '/v1/embeddings', body: { model: 'text-embedding-3-small', input: `line ${i}` } }
        : { custom_id: `${prefix}-${i}`, method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `line ${i}` }] } },
    ),
  ).join('\n');
}

/** Runs `tollgate batch run` as its own process. */
function batchCli(gw: TestGateway, key: string, input: string, output: string, extra: string[] = []): { proc: ChildProcess; stdout: () => string; stderr: () => string; exited: Promise<number | null> } {
  const env = { ...process.env, TOLLGATE_API_KEY: key };
  const proc = spawn(process.execPath, [BIN, 'batch', 'run', input, '--out', output, '--base-url', gw.url, ...extra], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (c) => (out += c));
  proc.stderr!.on('data', (c) => (err += c));
  return { proc, stdout: () => out, stderr: () => err, exited: new Promise((r) => proc.on('exit', (code) => r(code))) };
}

describe('tollgate batch run against a real Tollgate', () => {
  let gw: TestGateway;
  let dir: string;
  let key: string;
  before(async () => {
    gw = await startGateway();
    dir = mkdtempSync(join(tmpdir(), 'tollgate-batch-'));
    key = await gw.createKey({ name: 'batch' });
  });
  after(async () => {
    await gw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const upstreamCalls = () => gw.sim.requests.filter((r) => r.path === '/v1/chat/completions' || r.path === '/v1/embeddings').length;

  test('every line once, in OpenAI\'s batch output format, with bounded concurrency', async () => {
    const inputPath = join(dir, 'in1.jsonl');
    const outputPath = join(dir, 'out1.jsonl');
    writeFileSync(inputPath, inputText(30));
    const lines = parseBatchInput(readFileSync(inputPath, 'utf8'));
    const output = await BatchOutput.open(outputPath, new Set(lines.map((l) => l.custom_id)));
    gw.sim.faults.push({ kind: 'latency', ms: 30, times: 1_000 });
    const started = Date.now();
    const summary = await runBatch({ lines, output, baseUrl: `${gw.url}/v1`, apiKey: key, concurrency: 4 });
    const elapsed = Date.now() - started;
    gw.sim.faults.clear();
    // 30 answers of at least 30 ms, 4 at a time: at least 8 rounds (all at once would take one).
    assert.ok(elapsed >= 8 * 30, `took ${elapsed} ms: more than 4 at a time?`);
    await output.close();
    assert.equal(summary.done, 30);
    assert.equal(summary.failed, 0);
    const out = readOut(outputPath);
    assert.deepEqual(out.map((l) => l.custom_id).sort(), lines.map((l) => l.custom_id).sort());
    for (const l of out) {
      assert.match(l.id, /^batch_req_/);
      assert.equal(l.error, null);
      assert.equal(l.response!.status_code, 200);
      assert.ok(l.response!.request_id.length > 0);
    }
    const chat = out.find((l) => l.custom_id === 'req-0')!.response!.body;
    assert.equal(chat.object, 'chat.completion');
    assert.equal(out.find((l) => l.custom_id === 'req-4')!.response!.body.object, 'list');
  });

  test('429s with Retry-After are waited out and retried; a quota 429 is written as it is, not retried', async () => {
    const inputPath = join(dir, 'in2.jsonl');
    const outputPath = join(dir, 'out2.jsonl');
    writeFileSync(inputPath, inputText(6, 'rl').split('\n').filter((_, i) => i % 5 !== 4).join('\n'));
    gw.sim.faults.push({ kind: 'status', status: 429, retry_after: 1, times: 3, match: { path: '/v1/chat/completions' } });
    const lines = parseBatchInput(readFileSync(inputPath, 'utf8'));
    const before = upstreamCalls();
    const output = await BatchOutput.open(outputPath, new Set(lines.map((l) => l.custom_id)));
    const started = Date.now();
    const summary = await runBatch({ lines, output, baseUrl: gw.url, apiKey: key, concurrency: 2 });
    await output.close();
    assert.equal(summary.failed, 0, JSON.stringify(readOut(outputPath).filter((l) => l.response?.status_code !== 200)));
    assert.ok(Date.now() - started >= 1_000, 'the Retry-After of 1 s was honoured');
    assert.equal(upstreamCalls() - before, lines.length + 3, 'each 429 cost one retry, no more');

    const quotaIn = join(dir, 'in3.jsonl');
    const quotaOut = join(dir, 'out3.jsonl');
    writeFileSync(quotaIn, inputText(1, 'quota'));
    gw.sim.faults.push({ kind: 'status', status: 429, code: 'insufficient_quota', times: 1 });
    const qLines = parseBatchInput(readFileSync(quotaIn, 'utf8'));
    const qOut = await BatchOutput.open(quotaOut, new Set(['quota-0']));
    const q = await runBatch({ lines: qLines, output: qOut, baseUrl: gw.url, apiKey: key, concurrency: 1 });
    await qOut.close();
    assert.equal(q.failed, 1);
    const [line] = readOut(quotaOut);
    assert.equal(line!.response!.status_code, 429);
    assert.equal(line!.response!.body.error.code, 'insufficient_quota');
  });

  test('killed half-way (SIGKILL) and started again: every line exactly once, finished lines not sent again', async () => {
    const N = 60;
    const inputPath = join(dir, 'in4.jsonl');
    const outputPath = join(dir, 'out4.jsonl');
    writeFileSync(inputPath, inputText(N, 'k'));
    gw.sim.faults.push({ kind: 'latency', ms: 60, times: 10_000 });
    const before = upstreamCalls();
    const first = batchCli(gw, key, inputPath, outputPath, ['--concurrency', '3']);
    const deadline = Date.now() + 60_000;
    let written = 0;
    while (Date.now() < deadline) {
      written = readFileSync(outputPath, { flag: 'a+' }).toString().split('\n').filter((l) => l.endsWith('}')).length;
      if (written >= N / 2) break;
      await sleep(20);
    }
    first.proc.kill('SIGKILL');
    assert.equal(await first.exited, null, 'killed by the signal');
    const atKill = readOut(outputPath).length;
    assert.ok(atKill >= N / 2 && atKill < N, `killed with ${atKill} of ${N} written`);
    assert.match(first.stderr(), /batch: \d+\/60 done \(\d+%\), [\d.]+ req\/s/, 'plain progress lines when not on a terminal');

    const second = batchCli(gw, key, inputPath, outputPath, ['--concurrency', '3']);
    assert.equal(await second.exited, 0, second.stderr());
    gw.sim.faults.clear();
    assert.match(second.stdout(), new RegExp(`^done: ${N} requests \\(${atKill} from an earlier run\\), 0 failed`));
    const out = readOut(outputPath);
    assert.equal(out.length, N);
    assert.deepEqual(out.map((l) => l.custom_id).sort(), Array.from({ length: N }, (_, i) => `k-${i}`).sort(), 'every line exactly once');
    assert.ok(out.every((l) => l.response?.status_code === 200));
    const sent = upstreamCalls() - before;
    assert.ok(sent <= N + 3, `${sent} requests for ${N} lines: at most the 3 in flight at the kill went twice`);
  });

  test('bad input and a missing key are refused before anything is sent, without a stack trace', async () => {
    const inputPath = join(dir, 'bad.jsonl');
    writeFileSync(inputPath, `${inputText(1)}\n{"custom_id":"x","method":"POST","url":"/v1/files","body":{}}\n`);
    const bad = batchCli(gw, key, inputPath, join(dir, 'bad-out.jsonl'));
    assert.equal(await bad.exited, 2);
    assert.match(bad.stderr(), /^tollgate: .*bad\.jsonl line 2: url: /);
    const noKey = spawn(process.execPath, [BIN, 'batch', 'run', join(dir, 'in1.jsonl'), '--out', join(dir, 'x.jsonl')], { env: { ...process.env, TOLLGATE_API_KEY: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    noKey.stderr.on('data', (c) => (err += c));
    assert.equal(await new Promise((r) => noKey.on('exit', r)), 2);
    assert.match(err, /a Tollgate key is needed/);
  });
});
