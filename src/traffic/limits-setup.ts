import type { Logger } from 'pino';
import { storedRateLimits } from '../access/index.ts';
import { ConfigError, type Config } from '../config/index.ts';
import { InstanceRefusedError, InstanceRegistry, MemoryCounters, type Counters, type Store } from '../state/index.ts';
import { CountersGuard } from './counters-guard.ts';
import { combineRateLimits, parseRateLimitRules, RateLimiter, RateLimitRules, type RateLimitRule } from './rate-limit/index.ts';

/** The counters, rate limiter and instance registry of one gateway instance, as app.ts wires them. */
export interface Limits {
  /** For budgets: Redis behind the configured outage answer, or the in-process counters. */
  budgetCounters: Counters;
  limiter: RateLimiter;
  /** The Redis counters when `store.redis_url` is set (the public-route limiter shares them); else undefined. */
  shared: Counters | undefined;
  /** Reloads keys' and teams' own limits (on every access change). */
  reload(): Promise<void>;
  /** What `/ready` says: the counters' adapter and health, and whether limits hold across instances. */
  readiness(): Promise<{ ok: boolean; details: Record<string, unknown> }>;
  /** Writes this instance's heartbeat and reads the others now (tests; it runs every 5 s by itself). */
  beat(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Chooses the counters (`store.redis_url`: Redis with atomic Lua scripts, shared by every instance;
 * unset: in-process), builds the rate limiter from `rate_limits` plus the limits keys and teams
 * carry, and registers this instance in the store so that several instances without Redis say so.
 * Redis unreachable at start is a ConfigError naming the (redacted) URL.
 * @example const limits = await setUpLimits(config, store, log); createStages({ ..., limiter: limits.limiter });
 */
export async function setUpLimits(config: Config, store: Store, log: Logger, configured: readonly RateLimitRule[] = configuredRateLimits(config)): Promise<Limits> {
  const mode = config.rate_limits.on_counters_error;
  let counters: Counters;
  let budgetCounters: Counters;
  let ping: (() => Promise<unknown>) | undefined;
  const redisUrl = config.store.redis_url;
  if (redisUrl) {
    // Loaded only when used: ioredis stays out of an instance without Redis.
    const { connectRedis, RedisCounters } = await import('../state/redis/index.ts');
    let lastErrorLog = 0;
    const redis = await connectRedis(redisUrl, {
      onError: (err) => {
        if (Date.now() - lastErrorLog < 10_000) return;
        lastErrorLog = Date.now();
        log.warn({ err: { message: err.message } }, `Redis connection error (limits and budgets fail ${mode})`);
      },
    }).catch((err: unknown) => Promise.reject(new ConfigError(`${(err as Error).message}: start Redis or unset REDIS_URL`)));
    counters = new RedisCounters(redis, {}, true);
    budgetCounters = new CountersGuard(counters, mode, log);
    ping = () => redis.ping();
  } else {
    counters = new MemoryCounters();
    budgetCounters = counters;
  }
  const limiter = new RateLimiter({ counters, rules: new RateLimitRules(configured), leaseTtlMs: config.rate_limits.lease_ttl_ms, onCountersError: mode, log });
  const reload = async () => {
    const own = await storedRateLimits(store);
    limiter.setRules(combineRateLimits(configured, own, (id, err) => log.warn({ id, err }, 'stored rate limits skipped: not valid')));
  };
  await reload();
  const withoutRedis = config.store.multi_instance_without_redis;
  const registry = await InstanceRegistry.start(store, { sharedCounters: redisUrl !== undefined, log, withoutRedis }).catch(async (err: unknown) => {
    await counters.close();
    if (!(err instanceof InstanceRefusedError)) throw err;
    const fix = redisUrl ? 'set REDIS_URL on the other instance too' : 'set REDIS_URL (store.redis_url) on every instance';
    throw new ConfigError(`${err.message}: limits and budgets would be enforced per instance, and store.multi_instance_without_redis (TOLLGATE_MULTI_INSTANCE_WITHOUT_REDIS) is refuse. Stop the other instance, ${fix}, or set it to warn`);
  });
  return {
    budgetCounters,
    limiter,
    shared: ping ? counters : undefined,
    reload,
    async readiness() {
      let status = 'ok';
      if (ping) {
        try {
          await ping();
        } catch {
          status = 'unreachable';
        }
      }
      const instances = registry.view();
      return {
        ok: status === 'ok' || mode === 'open',
        details: {
          counters: { adapter: ping ? 'redis' : 'memory', status, on_error: mode },
          instances: { alive: instances.alive, limits: instances.limits },
        },
      };
    },
    beat: () => registry.beat(),
    async close() {
      await registry.stop();
      await counters.close();
    },
  };
}

/** The rules of `rate_limits.rules` with their counter keys; a ConfigError naming the bad field. */
export function configuredRateLimits(config: Config): RateLimitRule[] {
  try {
    return parseRateLimitRules(config.rate_limits.rules);
  } catch (err) {
    const issues = (err as { issues?: { path: (string | number)[]; message: string }[] }).issues;
    const what = issues ? issues.map((i) => `rate_limits.rules.${i.path.join('.')}: ${i.message}`).join('; ') : String(err);
    throw new ConfigError(`invalid configuration: ${what}`);
  }
}
