// Two measurements on a Tollgate of their own, started with TOLLGATE_PROFILE=on:
// - CPU per request by gateway stage (the summary Tollgate logs at shutdown), next to the process's
//   whole CPU per request in the same run, so "the rest" (HTTP parsing, undici, the stream relay's
//   callbacks, GC) is visible too;
// - 1,000 streams open at once: resident memory and the longest event-loop stall while they run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { runAutocannon, type Target, type Workload } from './load.ts';
import { cpuTimeMs, freePort, rssMb, spawnNode, stopChild, waitForHttp } from './processes.ts';
import { addBenchBudget } from './metering.ts';

export interface StageProfileLine {
  json: { requests: number; usPerRequest: Record<string, number> };
  stream: { requests: number; usPerRequest: Record<string, number> };
  loopDelayMs: { p99: number; max: number };
}

export interface StagesResult {
  profile: StageProfileLine;
  /** The process's whole CPU per request during each saturation run, µs. */
  totalUs: { json: number; stream: number };
}

export interface OpenStreamsResult {
  streams: number;
  ok: number;
  failed: number;
  /** How long the streams ran, s (from the first request to the last stream's end). */
  seconds: number;
  rssIdleMb: number;
  rssPeakMb: number;
  loopDelayMs: { p99: number; max: number };
}

interface Setup {
  root: string;
  work: string;
  simUrl: string;
  env: (port: number, dataDir: string) => Record<string, string>;
  headers: Record<string, string>;
}

async function startProfiled(s: Setup, name: string) {
  const port = await freePort();
  const logFile = join(s.work, `${name}.log`);
  const child = spawnNode(name, { cwd: s.root, args: ['bin/tollgate.js', 'serve'], env: { ...s.env(port, `data-${name}`), TOLLGATE_PROFILE: 'on' }, logFile });
  const target: Target = { name, url: `http://127.0.0.1:${port}`, headers: s.headers };
  await waitForHttp(child, `${target.url}/health`, 30_000, 200);
  await addBenchBudget(target);
  return { child, target, logFile };
}

function profileLine(logFile: string): StageProfileLine {
  for (const line of readFileSync(logFile, 'utf8').split('\n').reverse()) {
    if (!line.includes('"stageProfile"')) continue;
    return (JSON.parse(line) as { stageProfile: StageProfileLine }).stageProfile;
  }
  throw new Error(`no stage profile in ${logFile}`);
}

/** Saturation runs of each workload against a profiled Tollgate; its per-stage summary and whole CPU per request. */
export async function measureStages(s: Setup, work: { chat: Workload; stream: Workload }, run: { connections: number; seconds: number }): Promise<StagesResult> {
  const { child, target, logFile } = await startProfiled(s, 'tollgate-profiled');
  await runAutocannon(target, work.chat, { connections: run.connections, seconds: 1 }); // warm-up
  const totalUs = { json: 0, stream: 0 };
  for (const [kind, w] of [['json', work.chat], ['stream', work.stream]] as const) {
    const before = cpuTimeMs(child) ?? 0;
    const r = await runAutocannon(target, w, { connections: run.connections, seconds: run.seconds });
    totalUs[kind] = (((cpuTimeMs(child) ?? 0) - before) * 1000) / Math.max(1, r.ok);
  }
  await stopChild(child);
  return { profile: profileLine(logFile), totalUs };
}

/** `count` streams opened at once (each lasting a few seconds), memory sampled while they run. */
export async function measureOpenStreams(s: Setup, stream: Workload, count: number): Promise<OpenStreamsResult> {
  const { child, target, logFile } = await startProfiled(s, 'tollgate-streams');
  // Stream events 100 ms apart: every stream stays open a few seconds, so all are open at once.
  const fault = await request(`${s.simUrl}/_simulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench-dummy' },
    body: JSON.stringify({ faults: [{ kind: 'latency', ms: 0, chunk_ms: 100, times: count, match: { path: '/v1/chat/completions', stream: true } }] }),
  });
  if (fault.statusCode !== 200) throw new Error(`bench: simulator fault not queued: ${fault.statusCode} ${await fault.body.text()}`);
  await fault.body.dump();
  await sleep(500);
  const rssIdleMb = rssMb(child) ?? 0;
  let rssPeakMb = rssIdleMb;
  const sampler = setInterval(() => {
    rssPeakMb = Math.max(rssPeakMb, rssMb(child) ?? 0);
  }, 100);
  const agent = new Agent({ connections: count + 10, pipelining: 1 });
  const started = performance.now();
  let ok = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: count }, async () => {
      try {
        const res = await request(target.url + stream.path, {
          method: 'POST',
          dispatcher: agent,
          headers: { 'content-type': 'application/json', ...target.headers },
          body: stream.body,
          headersTimeout: 60_000,
          bodyTimeout: 60_000,
        });
        const text = await res.body.text();
        if (res.statusCode === 200 && text.includes('data: [DONE]')) ok++;
        else failed++;
      } catch {
        failed++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  await agent.close();
  await stopChild(child);
  return { streams: count, ok, failed, seconds, rssIdleMb, rssPeakMb, loopDelayMs: profileLine(logFile).loopDelayMs };
}

const STAGE_ORDER = ['authenticate', 'admit', 'guard-in', 'route', 'call', 'guard-out', 'meter', 'record'];
const us = (n: number | undefined) => (n === undefined ? '–' : n.toFixed(1));

export function renderStagesSection(st: StagesResult, os: OpenStreamsResult): string {
  const p = st.profile;
  const names = [...STAGE_ORDER, ...Object.keys({ ...p.json.usPerRequest, ...p.stream.usPerRequest }).filter((n) => !STAGE_ORDER.includes(n))];
  const sum = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);
  const rows = names.map((n) => `| ${n} | ${us(p.json.usPerRequest[n])} | ${us(p.stream.usPerRequest[n])} |`);
  const rest = (total: number, m: Record<string, number>) => Math.max(0, total - sum(m));
  const memOk = os.rssPeakMb < 200;
  const stallOk = os.loopDelayMs.max <= 20;
  return [
    '## CPU by stage',
    '',
    `A separate Tollgate with \`TOLLGATE_PROFILE=on\` (same settings, one budget on the key), saturated with each workload; ${p.json.requests.toLocaleString('en-US')} non-streamed and ${p.stream.requests.toLocaleString('en-US')} streamed requests. A stage's figure is the CPU of its synchronous part; "the rest" is the process's whole CPU per request in the same run minus the stages: HTTP parsing and writing, undici reading the upstream, the stream relay's per-chunk work, timers and GC.`,
    '',
    '| stage | non-streamed, µs/request | streamed, µs/request |',
    '|---|---:|---:|',
    ...rows,
    `| **stages total** | ${us(sum(p.json.usPerRequest))} | ${us(sum(p.stream.usPerRequest))} |`,
    `| the rest | ${us(rest(st.totalUs.json, p.json.usPerRequest))} | ${us(rest(st.totalUs.stream, p.stream.usPerRequest))} |`,
    `| **process total** | ${us(st.totalUs.json)} | ${us(st.totalUs.stream)} |`,
    '',
    '## 1,000 open streams',
    '',
    `${os.streams.toLocaleString('en-US')} streamed chat requests opened at once (the simulator spaces the events 100 ms apart, so each stream lasts a few seconds and all are open together); ${os.ok} completed, ${os.failed} failed, in ${os.seconds.toFixed(1)} s.`,
    '',
    `- Resident memory: ${os.rssIdleMb.toFixed(0)} MB idle, ${os.rssPeakMb.toFixed(0)} MB at the peak (target < 200 MB) ${memOk ? '**PASS**' : '**MISS**'}`,
    `- Event-loop delay while serving (monitorEventLoopDelay, 5 ms resolution, start-up excluded): p99 ${os.loopDelayMs.p99.toFixed(1)} ms, max ${os.loopDelayMs.max.toFixed(1)} ms (target: no stall over 20 ms) ${stallOk ? '**PASS**' : '**MISS**'}`,
    '',
  ].join('\n');
}
