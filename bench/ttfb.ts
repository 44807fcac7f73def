// Time to first byte of a streamed answer, which autocannon does not report: time to the response
// headers, and time to the first body chunk (the first SSE event a user would see).
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import type { Target, Workload } from './load.ts';
import { summarize, type LatencySummary } from './stats.ts';

export interface TtfbRun {
  requests: number;
  /** Requests in flight at once: modest, so this measures the path, not a queue. */
  concurrency: number;
  /** Requests sent first and not measured. */
  warmup: number;
}

export interface TtfbResult {
  headers: LatencySummary;
  firstChunk: LatencySummary;
  failed: number;
}

/** Raw samples (ms) of one or more rounds; `summarizeTtfb` turns them into percentiles. */
export interface TtfbSamples {
  headers: number[];
  firstChunk: number[];
  failed: number;
}

export function summarizeTtfb(rounds: TtfbSamples[]): TtfbResult {
  return {
    headers: summarize(rounds.flatMap((r) => r.headers)),
    firstChunk: summarize(rounds.flatMap((r) => r.firstChunk)),
    failed: rounds.reduce((n, r) => n + r.failed, 0),
  };
}

export async function sampleTtfb(target: Target, work: Workload, run: TtfbRun): Promise<TtfbSamples> {
  const pool = new Pool(target.url, { connections: run.concurrency, keepAliveTimeout: 30_000 });
  const headers = { 'content-type': 'application/json', accept: 'text/event-stream', ...target.headers };
  const toHeaders: number[] = [];
  const toFirstChunk: number[] = [];
  let failed = 0;
  let next = 0;
  const total = run.warmup + run.requests;

  const worker = async () => {
    while (next < total) {
      const measured = next++ >= run.warmup;
      const t0 = performance.now();
      try {
        const res = await pool.request({ method: 'POST', path: work.path, headers, body: work.body });
        const tHeaders = performance.now() - t0;
        let tFirst = Number.NaN;
        for await (const _chunk of res.body) {
          if (Number.isNaN(tFirst)) tFirst = performance.now() - t0;
        }
        if (!measured) continue;
        if (res.statusCode !== 200 || Number.isNaN(tFirst)) {
          failed++;
          continue;
        }
        toHeaders.push(tHeaders);
        toFirstChunk.push(tFirst);
      } catch {
        if (measured) failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: run.concurrency }, worker));
  await pool.close();
  return { headers: toHeaders, firstChunk: toFirstChunk, failed };
}
