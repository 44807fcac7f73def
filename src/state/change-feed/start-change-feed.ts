import type { Logger } from 'pino';
import type { Store } from '../store.ts';
import type { ChangeFeed } from './change-feed.ts';
import { createChangeFeed } from './create-change-feed.ts';

export interface StartChangeFeedOptions {
  /** The store's `postgres://` URL (LISTEN needs its own connection); absent for SQLite. */
  databaseUrl?: string | undefined;
  /** `store.redis_url`: changes also travel over Redis pub/sub. */
  redisUrl?: string | undefined;
  log: Logger;
}

/** A started change feed, and what `/ready` says about it. */
export interface StartedChangeFeed extends ChangeFeed {
  /** `transport`: how changes arrive (`redis` in front of the store's feed, or the store's feed alone). */
  status(): { transport: 'redis' | 'postgres' | 'sqlite'; redis?: 'ok' | 'unreachable' };
}

/**
 * Starts the change feed the configuration calls for: the store's own (LISTEN/NOTIFY on
 * PostgreSQL, polling on SQLite), with Redis pub/sub in front of it when a Redis URL is set. A
 * Redis outage is logged once, the store's feed carries the changes meanwhile, and the return is
 * logged too. Redis unreachable at start rejects (as the Redis counters do), with the URL redacted.
 * @example const changes = await startChangeFeed(store, { databaseUrl, redisUrl, log }); changes.subscribe(...);
 */
export async function startChangeFeed(store: Store, options: StartChangeFeedOptions): Promise<StartedChangeFeed> {
  const { log } = options;
  const fallback = createChangeFeed(store, { databaseUrl: options.databaseUrl, onError: (err) => log.warn({ err }, 'change feed') });
  const own = store.dialect;
  if (!options.redisUrl) {
    await fallback.start();
    return Object.assign(fallback, { status: () => ({ transport: own }) });
  }
  // Loaded only when used: ioredis stays out of an instance without Redis.
  const { connectRedis, redactUrl } = await import('../redis/index.ts');
  const { RedisChangeFeed } = await import('./redis-change-feed.ts');
  const url = options.redisUrl;
  const quiet = () => {};
  const [subscriber, publisher] = await Promise.all([connectRedis(url, { onError: quiet, subscriber: true }), connectRedis(url, { onError: quiet })]).catch(async (err: unknown) => {
    throw new Error(`change notifications: ${(err as Error).message}`, { cause: err });
  });
  const feed = new RedisChangeFeed({
    subscriber,
    publisher,
    committed: store.committedChanges,
    fallback,
    db: store.db,
    onError: (err) => log.warn({ err }, 'change feed'),
    onRedisState: (up, err) => {
      if (up) log.info({ redis: redactUrl(url) }, 'change notifications travel over Redis again');
      else log.warn({ redis: redactUrl(url), err: err instanceof Error ? { message: err.message } : undefined }, `change notifications: Redis unreachable, changes reach this instance through the ${own === 'postgres' ? 'PostgreSQL change feed (LISTEN/NOTIFY)' : 'store (polled)'} meanwhile`);
    },
  });
  try {
    await feed.start();
  } catch (err) {
    await feed.close().catch(() => undefined);
    throw err;
  }
  return Object.assign(feed, { status: () => ({ transport: 'redis' as const, redis: feed.connected ? ('ok' as const) : ('unreachable' as const) }) });
}
