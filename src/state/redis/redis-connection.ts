import { Redis, type RedisOptions } from 'ioredis';

export interface RedisConnectionOptions {
  /**
   * A command that gets no answer within this fails (so an unreachable Redis refuses requests
   * instead of holding them). Default 2,000 ms.
   */
  commandTimeoutMs?: number | undefined;
  /** Connection errors (the client reconnects by itself; calls made meanwhile reject). */
  onError?: ((err: Error) => void) | undefined;
  /**
   * A connection for SUBSCRIBE: ioredis does not subscribe again by itself after a reconnect (its own
   * attempt's failure would be an unhandled rejection); the owner does, on `ready`.
   */
  subscriber?: boolean | undefined;
}

/** Client options for Tollgate's Redis connections: fail fast instead of queueing while disconnected. */
export function redisClientOptions(commandTimeoutMs = 2_000): RedisOptions {
  return {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: commandTimeoutMs,
    connectTimeout: 5_000,
    retryStrategy: (times) => Math.min(times * 100, 2_000),
  };
}

/**
 * Opens a Redis connection for the distributed adapters; rejects when Redis cannot be reached now,
 * with the URL's password redacted from the message.
 * @example const redis = await connectRedis(process.env.REDIS_URL!, { onError: (err) => log.warn({ err }, 'redis') });
 */
export async function connectRedis(url: string, options: RedisConnectionOptions = {}): Promise<Redis> {
  const redis = new Redis(url, { ...redisClientOptions(options.commandTimeoutMs), ...(options.subscriber ? { autoResubscribe: false } : {}) });
  redis.on('error', options.onError ?? (() => {}));
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw new Error(`cannot reach Redis at ${redactUrl(url)}: ${(err as Error).message}`, { cause: err });
  }
  return redis;
}

/** A Redis URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable Redis URL)';
  }
}
