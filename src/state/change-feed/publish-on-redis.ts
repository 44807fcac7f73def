import type { Store } from '../store.ts';
import { REDIS_CHANGES_CHANNEL } from './redis-change-feed.ts';

/**
 * For a short-lived process (a CLI command): remembers the change topics `store` commits and, on
 * `flush`, publishes them once each on the Redis change channel, so running instances hear of
 * the change in milliseconds. Best effort: Redis unreachable changes nothing, the instances' store
 * feed carries the change anyway.
 * @example const changes = collectCommittedChanges(store); await work(); await changes.flush(config.store.redis_url);
 */
export function collectCommittedChanges(store: Store): { flush(redisUrl: string | undefined): Promise<void> } {
  const topics = new Set<string>();
  const off = store.committedChanges.subscribe((topic) => topics.add(topic));
  return {
    async flush(redisUrl) {
      off();
      if (!redisUrl || topics.size === 0) return;
      // Loaded only when used: a CLI command that changed nothing never loads ioredis.
      const { connectRedis } = await import('../redis/redis-connection.ts');
      const redis = await connectRedis(redisUrl).catch(() => undefined);
      if (!redis) return;
      try {
        await Promise.all([...topics].map((topic) => redis.publish(REDIS_CHANGES_CHANNEL, topic)));
      } catch {
        // The store's feed (and the instances' periodic read) still carry the change.
      } finally {
        redis.disconnect();
      }
    },
  };
}
