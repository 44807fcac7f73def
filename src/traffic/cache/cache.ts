/**
 * Cache: a bounded key → text store with per-entry TTL, the port behind the response cache (and
 * later embeddings). Entries may vanish before their TTL (evicted for room); a reader treats a miss
 * as "call the upstream". Adapters: MemoryCache (in-process LRU) and RedisCache; both pass
 * `cacheContract`.
 * @example await cache.set('rc:org_1:chat:…', json, 3_600_000); const hit = await cache.get('rc:org_1:chat:…');
 */
export interface Cache {
  get(key: string): Promise<string | undefined>;
  /** Stores `value` for `ttlMs`; returns false when it was not stored (larger than the entry bound). */
  set(key: string, value: string, ttlMs: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}

/** Bounds every adapter takes. */
export interface CacheBounds {
  /** Largest entry stored, in bytes of UTF-8. Default 1 MiB. */
  maxEntryBytes?: number | undefined;
}

export const DEFAULT_MAX_ENTRY_BYTES = 1024 * 1024;

/** Refuses a TTL that is not a positive whole number of ms. */
export function checkTtl(ttlMs: number): void {
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) throw new RangeError(`cache TTL must be a positive integer of ms, got ${ttlMs}`);
}
