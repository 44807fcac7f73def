/**
 * One "gateway instance" for the two-process rate limit tests: a RateLimiter on the shared Redis
 * counters, with no HTTP. Prints `ready`, waits for a line on stdin, then by MODE:
 * - `rpm`: ATTEMPTS concurrent admissions against 100 requests/minute; prints {passed, refused, other}.
 * - `concurrency`: ATTEMPTS admissions against 10 concurrent slots, started over 300 ms, each holding
 *   its slot 2–15 ms; prints {passed, refused, other, intervals: [[start, end], …]} (epoch ms, measured
 *   inside the time the slot was held).
 * - `hold`: takes all 5 of 5 slots (lease TTL LEASE_TTL_MS, renewed while alive), prints `held`,
 *   and waits to be killed.
 */
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectRedisCounters } from '../../../src/state/counters/redis-counters.ts';
import { parseRateLimitRules, RateLimitedError, RateLimiter, RateLimitRules } from '../../../src/traffic/rate-limit/index.ts';

const env = process.env;
const mode = env.MODE!;
const counters = await connectRedisCounters(env.TOLLGATE_TEST_REDIS_URL!, { prefix: env.COUNTERS_PREFIX! });
const limit =
  mode === 'rpm' ? { requests_per_minute: 100 } : mode === 'concurrency' ? { max_concurrent: 10 } : { max_concurrent: 5 };
const ttl = Number(env.LEASE_TTL_MS ?? 60_000);
const limiter = new RateLimiter({
  counters,
  rules: new RateLimitRules(parseRateLimitRules([{ scope: 'key', scope_id: 'key_shared', ...limit }])),
  leaseTtlMs: ttl,
  renewEveryMs: Math.floor(ttl / 4),
});
const subject = { keyId: 'key_shared' };
const now = () => performance.timeOrigin + performance.now();

process.stdout.write('ready\n');
await once(process.stdin, 'data');
process.stdin.destroy();

if (mode === 'hold') {
  for (let i = 0; i < 5; i++) await limiter.admit(subject, 'gpt-4o', 1);
  process.stdout.write('held\n');
  setInterval(() => {}, 1_000);
} else {
  const out = { passed: 0, refused: 0, other: [] as string[], intervals: [] as [number, number][] };
  await Promise.all(
    Array.from({ length: Number(env.ATTEMPTS) }, async () => {
      if (mode === 'concurrency') await sleep(Math.floor(Math.random() * 300));
      try {
        const a = await limiter.admit(subject, 'gpt-4o', 1);
        out.passed++;
        if (mode === 'concurrency') {
          const start = now();
          await sleep(2 + Math.floor(Math.random() * 14));
          out.intervals.push([start, now()]);
        }
        await a.settle(1);
      } catch (err) {
        if (err instanceof RateLimitedError) out.refused++;
        else out.other.push(String(err));
      }
    }),
  );
  await counters.close();
  process.stdout.write(`${JSON.stringify(out)}\n`);
  process.exit(0);
}
