// What the default PII policy costs a whole Tollgate process per request with a 1,000-token prompt
// (issue 13's target is stated against exactly that). One process, two keys: one without a policy,
// one with the default PII policy set on the key (PUT /api/guardrails/policies/key/:id); the same
// paced load alternates between them in rounds, and the process's CPU time is read around each round.
// Comparing within one process takes out what differs between two processes of the same build
// (memory layout, JIT decisions), which moved a two-process comparison by ±25 µs per request from
// run to run. The load is paced (the same requests per second on both keys), not saturating: at
// saturation the slower key also serves fewer requests per second, so every cost paid per second
// (timers, batched ledger writes, socket writes coalesced under load) is shared by fewer requests
// and shows up as the policy's cost; that made the saturated difference about twice the stages' own.
import { join } from 'node:path';
import { request } from 'undici';
import { DEFAULT_PII_POLICY } from '../src/guard/index.ts';
import { proseOfTokens } from './guard-prompt.ts';
import { runAutocannon, runPaced, type Target, type Workload } from './load.ts';
import { cpuTimeMs, freePort, spawnNode, stopChild, waitForHttp } from './processes.ts';
import { median } from './stats.ts';
import type { Setup } from './traffic-features.ts';

export interface GuardRound {
  off: { rps: number; cpuUs: number };
  on: { rps: number; cpuUs: number };
}

export interface GuardEndToEnd {
  rate: number;
  rounds: GuardRound[];
  /** The same at saturation (32 connections), for comparison: there the slower key also serves fewer requests per second. */
  saturated: GuardRound[];
  promptChars: number;
}

async function api(target: Target, method: 'POST' | 'PUT', path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await request(`${target.url}${path}`, { method, headers: { ...target.headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`bench: ${method} ${path}: HTTP ${res.statusCode} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

export async function measureGuardEndToEnd(s: Setup, run: { rate: number; seconds: number; rounds: number; saturatedRounds: number }, log: (line: string) => void): Promise<GuardEndToEnd> {
  const { text } = proseOfTokens(1_000);
  const work: Workload = { path: '/v1/chat/completions', body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'You are a careful analyst.' }, { role: 'user', content: text }], max_tokens: 50 }) };
  const port = await freePort();
  const child = spawnNode('tollgate-guard', { cwd: s.root, args: ['bin/tollgate.js', 'serve'], env: s.env(port, 'data-guard'), logFile: join(s.work, 'tollgate-guard.log') });
  try {
    const admin: Target = { name: 'admin', url: `http://127.0.0.1:${port}`, headers: s.headers };
    await waitForHttp(child, `${admin.url}/health`, 30_000, 200);
    const off = await api(admin, 'POST', '/api/keys', { name: 'bench guard: no policy' });
    const on = await api(admin, 'POST', '/api/keys', { name: 'bench guard: default PII policy' });
    await api(admin, 'PUT', `/api/guardrails/policies/key/${String(on.id)}`, DEFAULT_PII_POLICY);
    const target = (name: string, key: unknown): Target => ({ name, url: admin.url, headers: { authorization: `Bearer ${String(key)}` } });
    const targets = { off: target('no policy', off.key), on: target('default PII policy', on.key) };
    for (const t of Object.values(targets)) await runPaced(t, work, { rate: run.rate, seconds: 1, warmupSeconds: 0 }); // warm-up
    const measure = async (t: Target, saturate: boolean) => {
      const before = cpuTimeMs(child) ?? 0;
      const r = saturate ? await runAutocannon(t, work, { connections: 32, seconds: run.seconds }) : await runPaced(t, work, { rate: run.rate, seconds: run.seconds, warmupSeconds: 0 });
      if (r.failed > 0) throw new Error(`bench: ${r.failed} requests of "${t.name}" failed`);
      return { rps: r.rps, cpuUs: (((cpuTimeMs(child) ?? 0) - before) * 1000) / Math.max(1, r.ok) };
    };
    const rounds: GuardRound[] = [];
    for (let i = 0; i < run.rounds; i++) {
      log(`guard end to end: paced round ${i + 1} of ${run.rounds}`);
      rounds.push({ off: await measure(targets.off, false), on: await measure(targets.on, false) });
    }
    const saturated: GuardRound[] = [];
    for (let i = 0; i < run.saturatedRounds; i++) {
      log(`guard end to end: saturated round ${i + 1} of ${run.saturatedRounds}`);
      saturated.push({ off: await measure(targets.off, true), on: await measure(targets.on, true) });
    }
    return { rate: run.rate, rounds, saturated, promptChars: text.length };
  } finally {
    await stopChild(child);
  }
}

/** The report section: CPU per request with and without the policy per round, and the policy's share of the request's CPU. */
export function renderGuardEndToEnd(g: GuardEndToEnd, stagesMicroUs: number | undefined): string {
  const table = (rounds: GuardRound[]) =>
    `| round | no policy: req/s | CPU µs/req | PII policy: req/s | CPU µs/req | difference µs |\n|---|---|---|---|---|---|\n` +
    rounds.map((r, i) => `| ${i + 1} | ${Math.round(r.off.rps).toLocaleString('en-US')} | ${r.off.cpuUs.toFixed(0)} | ${Math.round(r.on.rps).toLocaleString('en-US')} | ${r.on.cpuUs.toFixed(0)} | ${(r.on.cpuUs - r.off.cpuUs).toFixed(0)} |`).join('\n');
  const summary = (rounds: GuardRound[]) => {
    const onUs = median(rounds.map((r) => r.on.cpuUs));
    const delta = median(rounds.map((r) => r.on.cpuUs - r.off.cpuUs));
    return { onUs, delta, text: `median difference ${delta.toFixed(1)} µs per request = ${((100 * delta) / onUs).toFixed(1)} % of the request's CPU with the policy on (median ${onUs.toFixed(0)} µs)` };
  };
  const paced = summary(g.rounds);
  const micro = stagesMicroUs === undefined ? '' : ` The guard stages alone, measured in-process above: ${stagesMicroUs.toFixed(1)} µs = ${((100 * stagesMicroUs) / paced.onUs).toFixed(1)} % of that.`;
  const saturated = g.saturated.length === 0 ? '' : `\n\nAt saturation (32 connections, each key in turn), for comparison: ${summary(g.saturated).text}. There the key with the policy also serves fewer requests per second, so what the process spends per second (timers, batched ledger writes, socket writes coalesced under load) is shared by fewer requests and counts as the policy's cost too.\n\n${table(g.saturated)}`;
  return (
    `\n## Guard policy end to end (issue 13)\n\nOne Tollgate process, two keys: one without a guard policy, one with the default PII policy set on the key; ` +
    `non-streamed chat requests with a ${g.promptChars.toLocaleString('en-US')}-character, 1,000-token prompt of prose without PII, ` +
    `paced at ${Math.round(g.rate).toLocaleString('en-US')} req/s on each key in turn (the same rate, so per-second costs are shared alike), the process's CPU read around each run.\n\n` +
    `${table(g.rounds)}\n\n` +
    `Paced: ${paced.text}; target under 5 %: ${paced.delta < 0.05 * paced.onUs ? '**met**' : '**MISS**'}. Single rounds vary by ±15 µs (a collection or a slower tick falls in one or the other); the median of the rounds is the figure.${micro}${saturated}\n`
  );
}
