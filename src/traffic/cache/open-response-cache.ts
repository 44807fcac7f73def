import type { Logger } from 'pino';
import type { Cache } from './cache.ts';
import { MemoryCache } from './memory-cache.ts';
import { ResponseCache } from './response-cache.ts';

/** The `cache` group of tollgate.yaml (src/config/config-schema.ts). */
export interface ResponseCacheSettings {
  enabled: boolean;
  ttl_seconds: number;
  adapter?: 'memory' | 'redis' | undefined;
  redis_url?: string | undefined;
  max_entries: number;
  max_bytes: number;
  max_entry_bytes: number;
}

/**
 * The gateway's response cache as configured, or undefined when it is off. The Redis adapter is
 * imported only when chosen (a single-instance gateway never loads ioredis); an unreachable Redis
 * refuses the start, as a store would.
 * @example const responses = await openResponseCache(config.cache, log);
 */
export async function openResponseCache(settings: ResponseCacheSettings, log: Logger): Promise<ResponseCache | undefined> {
  if (!settings.enabled) return undefined;
  const adapter = settings.adapter ?? (settings.redis_url ? 'redis' : 'memory');
  let cache: Cache;
  if (adapter === 'redis') {
    if (!settings.redis_url) throw new Error('cache.adapter is redis but no Redis URL is set (store.redis_url, REDIS_URL)');
    const { connectRedisCache } = await import('./redis-cache.ts');
    cache = await connectRedisCache(settings.redis_url, { maxEntryBytes: settings.max_entry_bytes, onError: (err) => log.warn({ err }, 'response cache: redis') });
  } else {
    cache = new MemoryCache({ maxBytes: settings.max_bytes, maxEntries: settings.max_entries, maxEntryBytes: settings.max_entry_bytes });
  }
  // A Redis outage fails every lookup: one line every 10 s says so, not one per request.
  let loggedAt = -Infinity;
  const onError = (err: unknown) => {
    const now = performance.now();
    if (now - loggedAt < 10_000) return;
    loggedAt = now;
    log.warn({ err }, 'response cache unavailable: requests go upstream and answers are not stored');
  };
  return new ResponseCache({ cache, ttlMs: settings.ttl_seconds * 1_000, maxEntryBytes: settings.max_entry_bytes, onError });
}
