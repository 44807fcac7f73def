// Load generation. Closed-loop saturation runs use autocannon; latencies are taken from its
// per-response event (float ms from hrtime) rather than its histogram, which rounds to whole
// milliseconds and, with a rate set, back-fills "coordinated omission" samples at 1 ms steps.
import autocannon from 'autocannon';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { median, summarize, type LatencySummary } from './stats.ts';

/** One place to send the workload: its base URL and the headers it needs (auth). */
export interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
}

export interface Workload {
  path: string;
  body: string;
}

export interface LoadResult {
  /** Successful (2xx) responses per second. */
  rps: number;
  ok: number;
  /** Non-2xx responses, connection errors and timeouts. */
  failed: number;
  latency: LatencySummary;
  seconds: number;
  /** CPU time the serving process (simulator, proxy or Tollgate) spent per successful request, µs. */
  cpuUsPerRequest?: number | undefined;
}

/**
 * Combines rounds of the same measurement: the median of each figure, so that one round disturbed
 * by something else on the machine does not decide the result. Counts are summed.
 */
export function combineRounds<T extends LoadResult>(rounds: T[]): T {
  const pick = (f: (r: T) => number | undefined) => median(rounds.map((r) => f(r) ?? Number.NaN));
  const cpu = pick((r) => r.cpuUsPerRequest);
  return {
    ...rounds[0]!,
    rps: pick((r) => r.rps),
    ok: rounds.reduce((n, r) => n + r.ok, 0),
    failed: rounds.reduce((n, r) => n + r.failed, 0),
    seconds: rounds.reduce((n, r) => n + r.seconds, 0),
    latency: {
      count: rounds.reduce((n, r) => n + r.latency.count, 0),
      p50: pick((r) => r.latency.p50),
      p99: pick((r) => r.latency.p99),
      max: Math.max(...rounds.map((r) => r.latency.max)),
    },
    cpuUsPerRequest: Number.isNaN(cpu) ? undefined : cpu,
  };
}

export interface AutocannonRun {
  connections: number;
  seconds: number;
  /** Requests per second over all connections; autocannon releases them in a burst at each second. */
  overallRate?: number;
}

/** Runs autocannon against `target` for a bounded time. */
export function runAutocannon(target: Target, work: Workload, run: AutocannonRun): Promise<LoadResult> {
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.url + work.path,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...target.headers },
        body: work.body,
        connections: run.connections,
        duration: run.seconds,
        timeout: 10,
        ...(run.overallRate ? { overallRate: run.overallRate, ignoreCoordinatedOmission: true } : {}),
      },
      (err, result) => {
        if (err) return reject(err);
        const seconds = (performance.now() - started) / 1000;
        failed += result.errors + result.timeouts;
        resolve({ rps: ok / seconds, ok, failed, latency: summarize(latencies), seconds });
      },
    );
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status >= 200 && status < 300) {
        ok++;
        latencies.push(ms);
      } else {
        failed++;
      }
    });
  });
}

export interface PacedRun {
  rate: number;
  seconds: number;
  /** Samples sent in this first stretch are discarded. */
  warmupSeconds: number;
  /** Per-request headers (e.g. a different key each time), merged over the target's. */
  headersFor?: ((i: number) => Record<string, string>) | undefined;
}

/**
 * Open-loop constant-rate load: requests leave on a schedule (rate per second, spread over each
 * millisecond tick) whether or not earlier ones have answered, like independent clients would.
 * Latency is measured from the moment each request is handed to undici to the end of its body.
 * `lagMaxMs` reports how far the sender itself fell behind its schedule (should stay ~1 ms, one tick).
 */
export async function runPaced(target: Target, work: Workload, run: PacedRun): Promise<LoadResult & { lagMaxMs: number }> {
  const pool = new Pool(target.url, { connections: 256, pipelining: 1, keepAliveTimeout: 30_000 });
  const headers = { 'content-type': 'application/json', ...target.headers };
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  let lagMaxMs = 0;
  const total = Math.round(run.rate * (run.seconds + run.warmupSeconds));
  const warmupEnd = run.warmupSeconds * 1000;
  const inflight = new Set<Promise<void>>();

  const one = async (measured: boolean, i: number) => {
    const t0 = performance.now();
    try {
      const res = await pool.request({ method: 'POST', path: work.path, headers: run.headersFor ? { ...headers, ...run.headersFor(i) } : headers, body: work.body });
      await res.body.dump({ limit: Number.MAX_SAFE_INTEGER });
      const ms = performance.now() - t0;
      if (!measured) return;
      if (res.statusCode >= 200 && res.statusCode < 300) {
        ok++;
        latencies.push(ms);
      } else {
        failed++;
      }
    } catch {
      if (measured) failed++;
    }
  };

  const start = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - start;
      const due = Math.min(total, Math.floor((elapsed * run.rate) / 1000));
      lagMaxMs = Math.max(lagMaxMs, elapsed - (sent * 1000) / run.rate);
      while (sent < due) {
        const sentAt = (sent * 1000) / run.rate;
        const p = one(sentAt >= warmupEnd, sent);
        inflight.add(p);
        void p.finally(() => inflight.delete(p));
        sent++;
      }
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  await Promise.all(inflight);
  await pool.close();
  return { rps: ok / run.seconds, ok, failed, latency: summarize(latencies), seconds: run.seconds, lagMaxMs };
}
