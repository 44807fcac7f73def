// Turns the measurements into one markdown report (table + targets) and writes it to bench/results/.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';
import type { LoadResult } from './load.ts';
import type { CpuLayout } from './processes.ts';
import type { TtfbResult } from './ttfb.ts';

export interface TargetResults {
  chat: LoadResult;
  stream: LoadResult;
  ttfb: TtfbResult;
  /** 1,000 req/s, open loop, evenly spaced. */
  paced: LoadResult & { lagMaxMs: number };
  /** 1,000 req/s with autocannon's overallRate (per-second bursts). */
  burst: LoadResult;
}

export interface Settings {
  connections: number;
  /** Interleaved rounds of each measurement; the report shows the median. */
  rounds: number;
  /** Length of one saturation round, per target. */
  roundSeconds: number;
  /** Length of one paced round at `rate`, per target. */
  pacedRoundSeconds: number;
  rate: number;
  burstConnections: number;
  burstSeconds: number;
  /** Over all rounds. */
  ttfbRequests: number;
  ttfbConcurrency: number;
}

export const TARGET_KEYS = ['direct', 'passthrough', 'tollgate'] as const;
export type TargetKey = (typeof TARGET_KEYS)[number];
export type Results = Record<TargetKey, TargetResults>;

/** Issue 10's targets: 80 % of the pass-through's throughput, under 1 ms added p99 (paced) and time to first byte. */
export const TARGETS = { throughputRatio: 0.8, addedP99Ms: 1, addedTtfbMs: 1 };
/** Foreign CPU use above this share of the machine makes a run unreliable. */
const NOISY_MACHINE = 0.05;

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => n.toFixed(2);
const pair = (a: number, b: number) => `${ms(a)} / ${ms(b)}`;
const pct = (n: number) => `${(n * 100).toFixed(0)} %`;
const pctOrNa = (n: number | undefined) => (n === undefined ? 'n/a' : `${(n * 100).toFixed(1)} %`);
const signed = (n: number) => `${n >= 0 ? '+' : '−'}${ms(Math.abs(n))}`;
const verdict = (pass: boolean) => (pass ? '**PASS**' : '**MISS**');
const cpu = (x: LoadResult) => (x.cpuUsPerRequest === undefined ? 'n/a' : int(x.cpuUsPerRequest));
/** Pass-through CPU per request ÷ Tollgate's: the throughput ratio if each had a core to itself. */
const cpuRatio = (pass: LoadResult, tg: LoadResult) =>
  pass.cpuUsPerRequest && tg.cpuUsPerRequest ? pass.cpuUsPerRequest / tg.cpuUsPerRequest : Number.NaN;

/** The code measured: commit, and whether the working tree differed from it. */
function revision(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = git('status', '--porcelain', '--', 'src', 'bin', 'package.json') !== '';
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' plus uncommitted changes' : ''}`;
  } catch {
    return 'unknown';
  }
}

function machine(date: Date, layout: CpuLayout | undefined): string {
  const cpu = cpus();
  return [
    `- Date: ${date.toISOString()}; code: ${revision()}`,
    `- Node ${process.version}, ${process.platform} ${release()}`,
    `- CPU: ${cpu[0]?.model.trim() ?? 'unknown'}, ${cpu.length} cores; RAM ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    '- Simulator, pass-through proxy and Tollgate each run in their own process; the load generator runs in the bench process.',
    layout
      ? `- Saturation runs are pinned with taskset: load generator on CPU ${layout.bench}, simulator on CPU ${layout.simulator}, pass-through proxy and Tollgate on CPU ${layout.serving}, so the process under test has a core to itself${layout.bench === layout.simulator ? ' ("direct" then shares one core between load generator and simulator)' : ''}. Latency runs (TTFB, 1,000 req/s) are not pinned: confining a process to one core also confines V8's parallel GC helpers, which lengthens GC pauses several-fold.`
      : '- Not pinned to CPUs: all processes share all cores, so saturation throughput is partly capped by the simulator and load generator.',
  ].join('\n');
}

/** `foreignCpu`: share of the machine's CPU used by processes outside the bench during the measurements. */
export function renderReport(r: Results, s: Settings, date: Date, foreignCpu: number | undefined, layout: CpuLayout | undefined): string {
  const { direct: d, passthrough: p, tollgate: t } = r;
  const row = (label: string, f: (x: TargetResults) => string, vsPass: string) => `| ${label} | ${f(d)} | ${f(p)} | ${f(t)} | ${vsPass} |`;
  const chatRatio = t.chat.rps / p.chat.rps;
  const streamRatio = t.stream.rps / p.stream.rps;
  const chatCpuRatio = cpuRatio(p.chat, t.chat);
  const addedTtfb = t.ttfb.firstChunk.p50 - p.ttfb.firstChunk.p50;
  const streamCpuRatio = cpuRatio(p.stream, t.stream);
  const addedVsPass = t.paced.latency.p99 - p.paced.latency.p99;
  const addedVsDirect = t.paced.latency.p99 - d.paced.latency.p99;
  const failed = (x: TargetResults) => String(x.chat.failed + x.stream.failed + x.ttfb.failed + x.paced.failed + x.burst.failed);

  const table = [
    '| Measurement | Direct (simulator) | Pass-through proxy | Tollgate | Tollgate vs pass-through |',
    '|---|---:|---:|---:|---:|',
    row(`Non-streaming: throughput, req/s (${s.connections} conn)`, (x) => int(x.chat.rps), pct(chatRatio)),
    row('Non-streaming: latency p50 / p99, ms', (x) => pair(x.chat.latency.p50, x.chat.latency.p99), `${signed(t.chat.latency.p50 - p.chat.latency.p50)} / ${signed(t.chat.latency.p99 - p.chat.latency.p99)}`),
    row('Non-streaming: CPU per request in the serving process, µs', (x) => cpu(x.chat), `${pct(chatCpuRatio)} (CPU-normalised throughput)`),
    row(`Streaming: throughput, req/s (${s.connections} conn)`, (x) => int(x.stream.rps), pct(streamRatio)),
    row('Streaming: whole-stream latency p50 / p99, ms', (x) => pair(x.stream.latency.p50, x.stream.latency.p99), `${signed(t.stream.latency.p50 - p.stream.latency.p50)} / ${signed(t.stream.latency.p99 - p.stream.latency.p99)}`),
    row('Streaming: CPU per request in the serving process, µs', (x) => cpu(x.stream), `${pct(streamCpuRatio)} (CPU-normalised throughput)`),
    row(`Streaming: TTFB to headers p50 / p99, ms (${s.ttfbRequests} req, ${s.ttfbConcurrency} at a time)`, (x) => pair(x.ttfb.headers.p50, x.ttfb.headers.p99), `${signed(t.ttfb.headers.p50 - p.ttfb.headers.p50)} / ${signed(t.ttfb.headers.p99 - p.ttfb.headers.p99)}`),
    row('Streaming: TTFB to first body chunk p50 / p99, ms', (x) => pair(x.ttfb.firstChunk.p50, x.ttfb.firstChunk.p99), `${signed(t.ttfb.firstChunk.p50 - p.ttfb.firstChunk.p50)} / ${signed(t.ttfb.firstChunk.p99 - p.ttfb.firstChunk.p99)}`),
    row(`Non-streaming at ${int(s.rate)} req/s, evenly paced (open loop): p50 / p99, ms`, (x) => pair(x.paced.latency.p50, x.paced.latency.p99), `${signed(t.paced.latency.p50 - p.paced.latency.p50)} / ${signed(addedVsPass)}`),
    row(`Non-streaming at ${int(s.rate)} req/s, autocannon overallRate (${s.burstConnections} conn, ${s.burstSeconds} s, bursts each second): p50 / p99, ms`, (x) => pair(x.burst.latency.p50, x.burst.latency.p99), `${signed(t.burst.latency.p50 - p.burst.latency.p50)} / ${signed(t.burst.latency.p99 - p.burst.latency.p99)}`),
    row('Failed requests (non-2xx, errors, timeouts), all runs', failed, ''),
  ];

  const targets = [
    `- Throughput Tollgate / pass-through, non-streaming: ${pct(chatRatio)} (target ≥ ${pct(TARGETS.throughputRatio)}) ${verdict(chatRatio >= TARGETS.throughputRatio)}`,
    `- Throughput Tollgate / pass-through, streaming: ${pct(streamRatio)} (target ≥ ${pct(TARGETS.throughputRatio)}) ${verdict(streamRatio >= TARGETS.throughputRatio)}`,
    `- CPU-normalised throughput ratio (pass-through CPU/request ÷ Tollgate CPU/request), non-streaming: ${pct(chatCpuRatio)} ${verdict(chatCpuRatio >= TARGETS.throughputRatio)}; streaming: ${pct(streamCpuRatio)} ${verdict(streamCpuRatio >= TARGETS.throughputRatio)}`,
    `- Added p99 at ${int(s.rate)} req/s (paced), Tollgate − pass-through: ${signed(addedVsPass)} ms (target < ${TARGETS.addedP99Ms} ms) ${verdict(addedVsPass < TARGETS.addedP99Ms)}`,
    `- Added p99 at ${int(s.rate)} req/s (paced), Tollgate − direct: ${signed(addedVsDirect)} ms (target < ${TARGETS.addedP99Ms} ms) ${verdict(addedVsDirect < TARGETS.addedP99Ms)}`,
    `- Added time to first byte of a stream (first body chunk, p50), Tollgate − pass-through: ${signed(addedTtfb)} ms (target < ${TARGETS.addedTtfbMs} ms) ${verdict(addedTtfb < TARGETS.addedTtfbMs)}`,
  ];
  const lag = Math.max(d.paced.lagMaxMs, p.paced.lagMaxMs, t.paced.lagMaxMs);
  const foreignText = foreignCpu === undefined ? 'not measured (no /proc)' : pctOrNa(foreignCpu);
  const noisy = foreignCpu !== undefined && foreignCpu > NOISY_MACHINE;

  return [
    `# Tollgate benchmark, ${date.toISOString()}`,
    '',
    machine(date, layout),
    '',
    ...(noisy ? [`> **Warning:** other processes used a noticeable share of the CPU during the run (${foreignText}); these numbers are not reliable. Re-run on an idle machine.`, ''] : []),
    ...table,
    '',
    'Targets (a measurement, not a test: a miss does not fail the run):',
    '',
    ...targets,
    '',
    'Notes:',
    '',
    `- Saturation and paced figures are the median of ${s.rounds} interleaved rounds (${s.roundSeconds} s saturation, ${s.pacedRoundSeconds} s paced, per target and round; the targets take turns, in rotating order), after a warm-up; TTFB percentiles pool the rounds' samples.`,
    '- Request: `POST /v1/chat/completions`, model gpt-4o-mini, two short messages; streaming adds `"stream": true`. Tollgate runs with auth, metering with one budget on the calling key, the SQLite ledger and info logging (to a file) on.',
    '- CPU per request is the serving process\'s user+system CPU time (from /proc, 10 ms resolution) during the saturation run, divided by the requests it answered; "direct" shows the simulator\'s own cost. Unlike throughput, it does not depend on how the processes share the cores.',
    ...(layout && layout.bench === layout.simulator
      ? [`- On ${cpus().length} cores the simulator and the load generator share CPU ${layout.bench}, which can cap the pass-through proxy's throughput before its own core is full (that CPU alone served ${int(d.chat.rps)} req/s "direct"); the CPU-normalised ratio is then the fairer capacity comparison.`]
      : []),
    `- CPU used by processes outside the bench during the measurements: ${foreignText} of the machine (above ${pct(NOISY_MACHINE)} the run is flagged as unreliable).`,
    '- Latencies are exact per-request times (float ms) as seen by the load generator, not autocannon\'s whole-millisecond histogram.',
    `- The paced run sends requests on a fixed schedule whether or not earlier ones answered; the sender fell at most ${ms(lag)} ms behind schedule. autocannon's overallRate instead releases each connection's share at the start of every second, so its latencies describe a ${s.burstConnections}-connection burst, not a steady ${int(s.rate)} req/s; the targets use the paced run.`,
    '',
  ].join('\n');
}

/** Writes `<dir>/<ISO time>.md` and `<dir>/latest.md`; returns the dated path. */
export function writeReport(dir: string, markdown: string, date: Date): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${date.toISOString().replaceAll(':', '-').replace(/\.\d+Z$/, 'Z')}.md`);
  writeFileSync(file, markdown);
  writeFileSync(join(dir, 'latest.md'), markdown);
  return file;
}
