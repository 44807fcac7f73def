import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseRateLimitRules, RateLimitedError, RateLimiter, RateLimitRules } from '../../src/traffic/rate-limit/index.ts';
import { freshPrefix, openTestCounters, redisSkip } from '../support/redis.ts';
import { startWorker, type WorkerProcess } from '../support/worker-process.ts';

const WORKER = join(import.meta.dirname, 'workers/rate-limit-worker.ts');

interface Outcome {
  passed: number;
  refused: number;
  other: string[];
  intervals: [number, number][];
}

/** Starts two worker processes on one Redis prefix, lets them go at once, and returns both outcomes. */
async function race(mode: string, attempts: number, prefix: string): Promise<Outcome[]> {
  const workers = [0, 1].map(() => startWorker(WORKER, { MODE: mode, ATTEMPTS: String(attempts), COUNTERS_PREFIX: prefix }));
  await Promise.all(workers.map((w) => w.waitFor(/^ready$/, 60_000)));
  for (const w of workers) w.send('go');
  return Promise.all(workers.map(async (w) => JSON.parse(await w.waitFor(/^\{/, 60_000)) as Outcome));
}

/** Most intervals open at one instant. */
function peakOverlap(intervals: [number, number][]): number {
  const events = intervals.flatMap(([s, e]) => [[s, 1] as const, [e, -1] as const]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let peak = 0;
  for (const [, d] of events) peak = Math.max(peak, (open += d));
  return peak;
}

/*
 * Issue 11: two Tollgate processes sharing Redis enforce one limit. The processes here are
 * RateLimiters on RedisCounters without HTTP (the gateway wiring comes later); with per-process
 * counters each would admit the whole limit.
 */
describe('rate limits held by two processes sharing Redis', { skip: redisSkip() }, () => {
  const workers: WorkerProcess[] = [];
  after(() => {
    for (const w of workers) w.proc.kill('SIGKILL');
  });

  test('100 requests/minute under 1,000 concurrent attempts from two processes: at most 101 pass', async () => {
    const prefix = freshPrefix();
    const counters = await openTestCounters({ prefix });
    try {
      const started = Date.now();
      const results = await race('rpm', 500, prefix);
      assert.deepEqual(results.flatMap((r) => r.other), []);
      const passed = results[0]!.passed + results[1]!.passed;
      assert.equal(results[0]!.passed + results[0]!.refused + results[1]!.passed + results[1]!.refused, 1_000);
      // The bucket refills one request every 600 ms: 101 allows for a burst that straddles one refill.
      assert.ok(passed <= 101, `${passed} passed (the race took ${Date.now() - started} ms)`);
      assert.ok(passed >= 100, `only ${passed} passed: the limit should be reached, not undershot`);
    } finally {
      await counters.close();
    }
  });

  test('10 concurrent slots under 1,000 attempts from two processes: never more than 10 held at once', async () => {
    const prefix = freshPrefix();
    const counters = await openTestCounters({ prefix });
    try {
      const results = await race('concurrency', 500, prefix);
      assert.deepEqual(results.flatMap((r) => r.other), []);
      const intervals = results.flatMap((r) => r.intervals);
      const peak = peakOverlap(intervals);
      assert.ok(peak <= 10, `${peak} slots were held at once`);
      assert.ok(intervals.length > 20, `only ${intervals.length} passed: slots should be reused as requests end`);
    } finally {
      await counters.close();
    }
  });

  test('a process killed mid-request: its slots come back after the lease TTL, not before', async () => {
    const prefix = freshPrefix();
    const TTL = 1_000;
    const counters = await openTestCounters({ prefix });
    try {
      const holder = startWorker(WORKER, { MODE: 'hold', COUNTERS_PREFIX: prefix, LEASE_TTL_MS: String(TTL) });
      workers.push(holder);
      await holder.waitFor(/^ready$/, 60_000);
      holder.send('go');
      await holder.waitFor(/^held$/);
      const here = new RateLimiter({
        counters,
        rules: new RateLimitRules(parseRateLimitRules([{ scope: 'key', scope_id: 'key_shared', max_concurrent: 5 }])),
        leaseTtlMs: TTL,
      });
      const refused = async (why: string) => {
        await assert.rejects(here.admit({ keyId: 'key_shared' }, 'gpt-4o', 1), (e: RateLimitedError) => e instanceof RateLimitedError && e.refusal.kind === 'concurrency', why);
      };
      await refused('all five slots are held by the other process');
      await sleep(TTL * 1.6);
      await refused('a live process renews its leases past the TTL');
      holder.proc.kill('SIGKILL');
      await holder.exited;
      const killedAt = Date.now();
      await refused('right after the kill the leases still run');
      let admittedAt = 0;
      while (Date.now() - killedAt < TTL * 3) {
        try {
          const a = await here.admit({ keyId: 'key_shared' }, 'gpt-4o', 1);
          admittedAt = Date.now();
          await a.release();
          break;
        } catch (err) {
          if (!(err instanceof RateLimitedError)) throw err;
          await sleep(50);
        }
      }
      assert.ok(admittedAt > 0, 'the slots came back');
      // The last renewal was at most TTL/4 before the kill, so the slots return within a TTL of it
      // (plus this loop's polling and a loaded machine's delays).
      assert.ok(admittedAt - killedAt <= TTL + 1_000, `back after ${admittedAt - killedAt} ms`);
      const all = await Promise.all(Array.from({ length: 5 }, () => here.admit({ keyId: 'key_shared' }, 'gpt-4o', 1)));
      assert.equal(all.length, 5, 'every one of the dead process\'s slots is free again');
      for (const a of all) await a.release();
    } finally {
      await counters.close();
    }
  });
});
