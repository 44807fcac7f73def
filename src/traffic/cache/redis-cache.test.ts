import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { dropPrefix, freshPrefix, redisSkip, testRedisUrl } from '../../../test/support/redis.ts';
import { cacheContract } from './cache-contract.ts';
import { connectRedisCache, RedisCache } from './redis-cache.ts';

const skip = redisSkip();
if (skip) {
  test('RedisCache', { skip }, () => {});
} else {
  cacheContract('RedisCache', async (o) => {
    const redis = new Redis(testRedisUrl()!);
    const prefix = freshPrefix();
    const cache = new RedisCache(redis, { ...o, prefix });
    cache.close = async () => {
      await dropPrefix(redis, prefix);
      await redis.quit();
    };
    return cache;
  });

  test('RedisCache: entries are shared by every instance and carry a Redis TTL', async () => {
    const prefix = freshPrefix();
    const a = await connectRedisCache(testRedisUrl()!, { prefix });
    const b = await connectRedisCache(testRedisUrl()!, { prefix });
    const redis = new Redis(testRedisUrl()!);
    try {
      await a.set('k', 'v', 30_000);
      assert.equal(await b.get('k'), 'v');
      const ttl = await redis.pttl(`${prefix}k`);
      assert.ok(ttl > 29_000 && ttl <= 30_000, String(ttl));
    } finally {
      await dropPrefix(redis, prefix);
      await redis.quit();
      await a.close();
      await b.close();
    }
  });
}
