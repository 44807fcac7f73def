// What issue 11's features cost on the request path: the same Tollgate (auth, metering, SQLite
// ledger) with no traffic feature, with rate limits in-process, with rate limits on Redis (when a
// redis-server binary is there), and answering from the response cache. Each runs as its own
// process against the same simulator, one after the other, with the same load; compared within
// this section (CPU µs per request is the figure that holds on a busy machine).
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runAutocannon, type Target, type Workload } from './load.ts';
import { cpuTimeMs, freePort, spawnNode, stopChild, waitForHttp } from './processes.ts';

export interface Setup {
  root: string;
  work: string;
  env: (port: number, dataDir: string) => Record<string, string>;
  headers: Record<string, string>;
}

export interface FeatureRow {
  name: string;
  rps: number;
  p99Ms: number;
  cpuUs: number;
  failed: number;
}

// High enough never to refuse in the bench: every request still checks all three limits.
const RULES = JSON.stringify([{ scope: 'model', scope_id: 'gpt-4o-mini', requests_per_minute: 100_000_000, tokens_per_minute: 1_000_000_000, max_concurrent: 100_000 }]);

function hasRedisServer(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** One Tollgate configuration to measure: extra environment, its workload, and whether it needs its own Redis. */
export interface Variant {
  name: string;
  env: Record<string, string>;
  work: Workload;
  redis?: boolean;
}

/** Runs each variant for `seconds` at `connections` and returns its throughput, p99 and CPU per request. */
export async function measureTrafficFeatures(s: Setup, chat: Workload, run: { connections: number; seconds: number }, log: (line: string) => void): Promise<FeatureRow[]> {
  const cached: Workload = { path: chat.path, body: JSON.stringify({ ...(JSON.parse(chat.body) as object), temperature: 0 }) };
  const variants: Variant[] = [
    { name: 'no traffic feature', env: {}, work: chat },
    { name: 'rate limits, in-process', env: { TOLLGATE_RATE_LIMITS: RULES }, work: chat },
    { name: 'rate limits, Redis', env: { TOLLGATE_RATE_LIMITS: RULES }, work: chat, redis: true },
    { name: 'response cache hit', env: { TOLLGATE_CACHE: 'on' }, work: cached },
  ];
  return measureVariants(s, variants, run, (line) => log(`traffic features: ${line}`));
}

/**
 * Starts one Tollgate process per variant, one after the other, against the same simulator; warms
 * each for a second, then loads it for `seconds` and reads its CPU time: throughput, p99 and CPU µs
 * per answered request.
 */
export async function measureVariants(s: Setup, variants: readonly Variant[], run: { connections: number; seconds: number }, log: (line: string) => void): Promise<FeatureRow[]> {
  const rows: FeatureRow[] = [];
  for (const v of variants) {
    let redis: ReturnType<typeof spawn> | undefined;
    const env = { ...v.env };
    if (v.redis) {
      if (!hasRedisServer()) {
        log(`no redis-server here; "${v.name}" is left out`);
        continue;
      }
      const port = await freePort();
      redis = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      await sleep(300);
      env.REDIS_URL = `redis://127.0.0.1:${port}`;
    }
    const port = await freePort();
    const name = `tollgate-${v.name.replace(/[^a-z]+/g, '-')}`;
    const child = spawnNode(name, { cwd: s.root, args: ['bin/tollgate.js', 'serve'], env: { ...s.env(port, `data-${name}`), ...env }, logFile: join(s.work, `${name}.log`) });
    try {
      const target: Target = { name: v.name, url: `http://127.0.0.1:${port}`, headers: s.headers };
      await waitForHttp(child, `${target.url}/health`, 30_000, 200);
      log(v.name);
      await runAutocannon(target, v.work, { connections: run.connections, seconds: 1 }); // warm-up (and the cache's one miss)
      const before = cpuTimeMs(child) ?? 0;
      const r = await runAutocannon(target, v.work, { connections: run.connections, seconds: run.seconds });
      const cpuUs = (((cpuTimeMs(child) ?? 0) - before) * 1000) / Math.max(1, r.ok);
      rows.push({ name: v.name, rps: r.rps, p99Ms: r.latency.p99, cpuUs, failed: r.failed });
    } finally {
      await stopChild(child);
      redis?.kill();
    }
  }
  return rows;
}

export function renderTrafficFeaturesSection(rows: readonly FeatureRow[]): string {
  const base = rows.find((r) => r.name === 'no traffic feature');
  const line = (r: FeatureRow) =>
    `| ${r.name} | ${Math.round(r.rps).toLocaleString('en-US')} | ${r.p99Ms.toFixed(1)} | ${r.cpuUs.toFixed(0)} | ${base && r !== base ? `${r.cpuUs >= base.cpuUs ? '+' : ''}${(r.cpuUs - base.cpuUs).toFixed(0)}` : '—'} | ${r.failed} |`;
  return (
    `\n## Traffic features (issue 11)\n\nOne Tollgate process per row (admin key, no budget), the same non-streamed chat load, run one after the other; ` +
    `rate limits: one rule on the model with requests, tokens and concurrency limits high enough never to refuse; the cache row sends \`temperature: 0\`, so every request after the first is a hit.\n\n` +
    `| variant | req/s | p99 ms | Tollgate CPU µs/req | vs no feature | failed |\n|---|---|---|---|---|---|\n${rows.map(line).join('\n')}\n`
  );
}
