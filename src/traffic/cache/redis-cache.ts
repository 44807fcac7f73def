import type { Redis } from 'ioredis';
import { connectRedis, type RedisConnectionOptions } from '../../state/redis/index.ts';
import { checkTtl, DEFAULT_MAX_ENTRY_BYTES, type Cache, type CacheBounds } from './cache.ts';

export interface RedisCacheOptions extends CacheBounds {
  /** Prefix of every key. Default `tollgate:cache:`. */
  prefix?: string | undefined;
}

/**
 * Cache on Redis: `SET key value PX ttl`, shared by every instance. Total size is Redis' own bound
 * (`maxmemory` with an LRU policy, e.g. `allkeys-lru` on a cache-only Redis); this adapter bounds
 * each entry and its TTL.
 * @example const cache = await connectRedisCache(process.env.REDIS_URL!);
 */
export class RedisCache implements Cache {
  private readonly prefix: string;
  private readonly maxEntry: number;

  constructor(
    private readonly redis: Redis,
    options: RedisCacheOptions = {},
    private readonly ownsConnection = false,
  ) {
    this.prefix = options.prefix ?? 'tollgate:cache:';
    this.maxEntry = options.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(this.prefix + key)) ?? undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<boolean> {
    checkTtl(ttlMs);
    if (Buffer.byteLength(value) > this.maxEntry) return false;
    await this.redis.set(this.prefix + key, value, 'PX', ttlMs);
    return true;
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }

  async close(): Promise<void> {
    if (this.ownsConnection) await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** Connects to Redis (fails now when unreachable) and returns a cache that owns the connection. */
export async function connectRedisCache(url: string, options: RedisCacheOptions & RedisConnectionOptions = {}): Promise<RedisCache> {
  return new RedisCache(await connectRedis(url, options), options, true);
}
