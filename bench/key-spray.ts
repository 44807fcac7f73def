// Key spray: can random well-formed `tg-` keys slow legitimate traffic down? Legitimate requests
// (many keys, round-robin, paced) are measured alone, during a spray of random keys (paced, every
// one a different key, each answered 401), and after it. With a key cache that random keys can
// flush, legitimate keys go back to the store during and after the spray and their p99 rises;
// the target is that it moves by at most 1 ms.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { runPaced, type LoadResult, type Target, type Workload } from './load.ts';

export interface KeySprayOptions {
  /** Legitimate keys, used in turn. */
  legitKeys: number;
  /** Legitimate requests per second. */
  legitRate: number;
  /** Length of each legitimate measurement. */
  seconds: number;
  /** Random keys sprayed (each used once). */
  sprayKeys: number;
  /** Random-key requests per second. */
  sprayRate: number;
}

export interface KeySprayResult {
  options: KeySprayOptions;
  alone: LoadResult;
  during: LoadResult;
  after: LoadResult;
  /** The spray's own requests: how many, how many refused, how long it took and how fast they were answered. */
  spray: { sent: number; refused: number; seconds: number; result: LoadResult };
}

/** Creates the legitimate keys through the admin API (personal keys of the owner). */
async function legitimateKeys(target: Target, n: number): Promise<string[]> {
  const secrets: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await request(`${target.url}/api/keys`, {
      method: 'POST',
      headers: { ...target.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `bench legitimate ${i}` }),
    });
    if (res.statusCode !== 201) throw new Error(`bench: key creation failed: HTTP ${res.statusCode} ${await res.body.text()}`);
    secrets.push(((await res.body.json()) as { key: string }).key);
  }
  return secrets;
}

/**
 * Measures legitimate latency alone, during a spray of `sprayKeys` random keys and after it.
 * @example const r = await measureKeySpray(target, CHAT, { legitKeys: 50, legitRate: 200, seconds: 5, sprayKeys: 100_000, sprayRate: 5_000 });
 */
export async function measureKeySpray(target: Target, work: Workload, o: KeySprayOptions, log: (line: string) => void): Promise<KeySprayResult> {
  const keys = await legitimateKeys(target, o.legitKeys);
  const legit = { rate: o.legitRate, seconds: o.seconds, warmupSeconds: 0.5, headersFor: (i: number) => ({ authorization: `Bearer ${keys[i % keys.length]}` }) };
  log(`key spray: ${o.legitKeys} legitimate keys at ${o.legitRate} req/s, alone`);
  const alone = await runPaced(target, work, legit);

  log(`key spray: ${o.sprayKeys.toLocaleString('en-US')} random keys at ${o.sprayRate} req/s, legitimate traffic alongside`);
  const sprayStarted = performance.now();
  const spray = runPaced(target, work, {
    rate: o.sprayRate,
    seconds: o.sprayKeys / o.sprayRate,
    warmupSeconds: 0,
    headersFor: () => ({ authorization: `Bearer tg-${randomBytes(30).toString('base64url')}` }),
  });
  await sleep(Math.min(1_000, ((o.sprayKeys / o.sprayRate) * 1000) / 4));
  const during = await runPaced(target, work, legit);
  const sprayed = await spray;
  const spraySeconds = (performance.now() - sprayStarted) / 1000;
  log('key spray: legitimate traffic after the spray');
  const after = await runPaced(target, work, legit);
  return { options: o, alone, during, after, spray: { sent: sprayed.ok + sprayed.failed, refused: sprayed.failed, seconds: spraySeconds, result: sprayed } };
}

/** The report section. */
export function renderKeySpraySection(r: KeySprayResult): string {
  const ms = (n: number) => n.toFixed(2);
  const moved = r.during.latency.p99 - r.alone.latency.p99;
  const movedAfter = r.after.latency.p99 - r.alone.latency.p99;
  const verdict = moved <= 1 && movedAfter <= 1 ? '**PASS**' : '**MISS**';
  const row = (label: string, l: LoadResult) => `| ${label} | ${l.ok.toLocaleString('en-US')} | ${l.failed} | ${ms(l.latency.p50)} | ${ms(l.latency.p99)} |`;
  return [
    '## Key spray',
    '',
    `${r.options.legitKeys} legitimate keys (round-robin, ${r.options.legitRate} req/s paced, ${r.options.seconds} s per run) alone, while ` +
      `${r.spray.sent.toLocaleString('en-US')} random well-formed \`tg-\` keys arrive at ${r.options.sprayRate} req/s (${r.spray.refused.toLocaleString('en-US')} answered non-2xx, ` +
      `over ${r.spray.seconds.toFixed(1)} s), and after the spray. Target: legitimate p99 moves by at most 1 ms. ${verdict}: ` +
      `${moved >= 0 ? '+' : ''}${ms(moved)} ms during, ${movedAfter >= 0 ? '+' : ''}${ms(movedAfter)} ms after. ` +
      `If the spray took much longer than planned (${(r.options.sprayKeys / r.options.sprayRate).toFixed(0)} s), Tollgate could not keep up with the spray's ` +
      `rate on this machine and the "during" row measures queueing, not the key cache.`,
    '',
    '| legitimate traffic | ok | failed | p50 ms | p99 ms |',
    '|---|---|---|---|---|',
    row('alone', r.alone),
    row('during the spray', r.during),
    row('after the spray', r.after),
    '',
  ].join('\n');
}
