import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Nanos } from '../../money/index.ts';
import { checkAmount, checkBucket, checkDistinct } from './argument-checks.ts';
import {
  DEFAULT_LEASE_TTL_MS,
  type BucketAdjust,
  type BucketSpec,
  type BucketState,
  type BucketTake,
  type CounterEntry,
  type CounterUsage,
  type Counters,
  type ReserveOptions,
  type ReserveResult,
  type SettleResult,
  type TakeResult,
} from './counters.ts';
import { connectRedis, type RedisConnectionOptions } from '../redis/index.ts';
import { ADJUST, RELEASE, RENEW, RESERVE, SETTLE, TAKE, USAGE } from './redis-scripts.ts';

export interface RedisCountersOptions {
  /** Lease time when `reserve` names none. Default 10 minutes. */
  leaseTtlMs?: number | undefined;
  /**
   * Prefix of every key; must contain a `{hash tag}` so all keys share one Redis Cluster slot.
   * Default `tollgate:{counters}:`. Tests use a fresh one each.
   */
  prefix?: string | undefined;
}

export interface RedisConnectOptions extends RedisCountersOptions, RedisConnectionOptions {}

/** Unique across processes (random per process), cheap per call (a sequence). */
const ID_PREFIX = `${randomBytes(6).toString('hex')}_`;
let sequence = 0;

/** A Lua script called by SHA, loaded again when the server lost it (restart, SCRIPT FLUSH). */
class Script {
  private readonly sha: string;
  constructor(private readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  async run(redis: Redis, leasesKey: string, args: (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, 1, leasesKey, ...args);
    } catch (err) {
      if (!String((err as Error).message).startsWith('NOSCRIPT')) throw err;
      return redis.eval(this.lua, 1, leasesKey, ...args);
    }
  }
}

const scripts = {
  reserve: new Script(RESERVE),
  settle: new Script(SETTLE),
  release: new Script(RELEASE),
  renew: new Script(RENEW),
  usage: new Script(USAGE),
  take: new Script(TAKE),
  adjust: new Script(ADJUST),
};

/**
 * Counters on Redis: every method is one Lua script (redis-scripts.ts), atomic across every gateway
 * instance that shares the Redis, with Redis' clock for leases and buckets. Budgets, rate limits and
 * concurrency leases hold across instances: no `limit × instances`, no lost increments, and the
 * leases of a process that died come back after their TTL.
 * @example
 * const counters = await connectRedisCounters('redis://127.0.0.1:6379');
 * const budgets = await createBudgetService(store, { counters });
 */
export class RedisCounters implements Counters {
  private readonly ttl: number;
  private readonly prefix: string;
  private readonly leasesKey: string;

  /** `redis` is used as given; `close` quits it only when `ownsConnection`. */
  constructor(
    private readonly redis: Redis,
    options: RedisCountersOptions = {},
    private readonly ownsConnection = false,
  ) {
    this.ttl = options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    this.prefix = options.prefix ?? 'tollgate:{counters}:';
    if (!/\{[^}]+\}/.test(this.prefix)) throw new RangeError(`counters prefix '${this.prefix}' needs a {hash tag}`);
    this.leasesKey = `${this.prefix}leases`;
  }

  async reserve(entries: readonly CounterEntry[], amount: Nanos, options: ReserveOptions = {}): Promise<ReserveResult> {
    checkAmount(amount);
    checkDistinct(entries);
    const ttl = options.ttlMs ?? this.ttl;
    const id = `res_${ID_PREFIX}${(++sequence).toString(36)}`;
    const args: (string | number)[] = [this.prefix, amount, ttl, id];
    for (const e of entries) args.push(e.key, e.limit, e.base, e.expireAt ?? '');
    const r = (await scripts.reserve.run(this.redis, this.leasesKey, args)) as number[];
    if (r[0] === 1) return { ok: true, reservationId: id, expiresAt: r[1]! };
    const e = entries[r[1]! - 1]!;
    return { ok: false, key: e.key, spent: r[2]!, reserved: r[3]!, limit: e.limit };
  }

  async settle(reservationId: string, actual: Nanos, entries: readonly CounterEntry[]): Promise<SettleResult> {
    checkAmount(actual);
    checkDistinct(entries);
    const args: (string | number)[] = [this.prefix, reservationId, actual];
    for (const e of entries) args.push(e.key, e.base, e.expireAt ?? '');
    const r = (await scripts.settle.run(this.redis, this.leasesKey, args)) as number[];
    return { leaseLive: r[0] === 1, usage: entries.map((e, i) => ({ key: e.key, spent: r[1 + 2 * i]!, reserved: r[2 + 2 * i]! })) };
  }

  async release(reservationId: string): Promise<boolean> {
    return (await scripts.release.run(this.redis, this.leasesKey, [this.prefix, reservationId])) === 1;
  }

  async renew(reservationId: string, ttlMs?: number): Promise<boolean> {
    return (await scripts.renew.run(this.redis, this.leasesKey, [this.prefix, reservationId, ttlMs ?? this.ttl])) === 1;
  }

  async usage(entries: readonly Pick<CounterEntry, 'key' | 'base'>[]): Promise<CounterUsage[]> {
    const args: (string | number)[] = [this.prefix];
    for (const e of entries) args.push(e.key, e.base);
    const r = (await scripts.usage.run(this.redis, this.leasesKey, args)) as number[];
    return entries.map((e, i) => ({ key: e.key, spent: r[2 * i]!, reserved: r[2 * i + 1]! }));
  }

  async take(buckets: readonly BucketTake[]): Promise<TakeResult> {
    for (const b of buckets) checkBucket(b, b.amount, 'amount');
    checkDistinct(buckets);
    const args: (string | number)[] = [this.prefix];
    for (const b of buckets) args.push(b.key, b.limit, b.windowMs, b.amount);
    const r = (await scripts.take.run(this.redis, this.leasesKey, args)) as number[];
    const states = statesOf(buckets, r, 3);
    if (r[0] === 1) return { ok: true, states };
    return { ok: false, index: r[1]! - 1, retryAfterMs: r[2]!, states };
  }

  async adjust(buckets: readonly BucketAdjust[]): Promise<BucketState[]> {
    for (const b of buckets) checkBucket(b, b.delta, 'delta');
    checkDistinct(buckets);
    const args: (string | number)[] = [this.prefix];
    for (const b of buckets) args.push(b.key, b.limit, b.windowMs, b.delta);
    return statesOf(buckets, (await scripts.adjust.run(this.redis, this.leasesKey, args)) as number[], 0);
  }

  async close(): Promise<void> {
    if (this.ownsConnection) await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * Connects to Redis and returns counters that own the connection. Fails (rejects) when Redis cannot
 * be reached now; later outages make calls reject (callers fail closed) rather than wait.
 * @example const counters = await connectRedisCounters(process.env.REDIS_URL!, { leaseTtlMs: 60_000 });
 */
export async function connectRedisCounters(url: string, options: RedisConnectOptions = {}): Promise<RedisCounters> {
  return new RedisCounters(await connectRedis(url, options), options, true);
}

function statesOf(buckets: readonly BucketSpec[], r: number[], offset: number): BucketState[] {
  return buckets.map((b, i) => ({ key: b.key, limit: b.limit, remaining: r[offset + 2 * i]!, resetMs: r[offset + 2 * i + 1]! }));
}
