import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisCounters } from '../../src/state/counters/redis-counters.ts';

/**
 * The Redis the tests use: `TOLLGATE_TEST_REDIS_URL`. Outside CI an unset variable skips the Redis
 * suites (one line says so); in CI (`CI=true`) it fails them, so they cannot silently not run.
 */
export function testRedisUrl(): string | undefined {
  const url = process.env.TOLLGATE_TEST_REDIS_URL;
  if (!url && process.env.CI === 'true') throw new Error('CI=true but TOLLGATE_TEST_REDIS_URL is unset: the Redis suites must run in CI');
  return url;
}

/** `skip` option for a Redis suite: false when Redis is configured, else the one-line reason. */
export function redisSkip(): false | string {
  return testRedisUrl() ? false : 'needs TOLLGATE_TEST_REDIS_URL (e.g. redis-server --port 6390 --daemonize yes --save "")';
}

/** A key prefix no other test uses, with a hash tag as RedisCounters requires. */
export function freshPrefix(): string {
  return `tollgate-test:{${randomBytes(6).toString('hex')}}:`;
}

/** Deletes every key under `prefix` (a test's leftovers). */
export async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

/**
 * Opens RedisCounters on a fresh prefix (or the given one) for one test; closing them deletes the
 * prefix's keys.
 * @example const c = await openTestCounters({ leaseTtlMs: 1_000 });
 */
export async function openTestCounters(options: { leaseTtlMs?: number; prefix?: string } = {}): Promise<RedisCounters> {
  const redis = new Redis(testRedisUrl()!, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const prefix = options.prefix ?? freshPrefix();
  const counters = new RedisCounters(redis, { ...options, prefix });
  const close = counters.close.bind(counters);
  counters.close = async () => {
    await close();
    await dropPrefix(redis, prefix);
    await redis.quit();
  };
  return counters;
}
