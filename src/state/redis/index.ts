// The Redis connection shared by the distributed adapters (counters, cache). A face of its own so
// that importing state/ (every module does) does not load ioredis.
export { connectRedis, redactUrl, redisClientOptions, type RedisConnectionOptions } from './redis-connection.ts';
export { connectRedisCounters, RedisCounters, type RedisCountersOptions } from '../counters/redis-counters.ts';
export { REDIS_CHANGES_CHANNEL, RedisChangeFeed, type RedisChangeFeedOptions } from '../change-feed/redis-change-feed.ts';
