import { LRUCache } from 'lru-cache';
import { checkTtl, DEFAULT_MAX_ENTRY_BYTES, type Cache, type CacheBounds } from './cache.ts';

export interface MemoryCacheOptions extends CacheBounds {
  /** Total bytes held; the least recently used entries go first. Default 64 MiB. */
  maxBytes?: number | undefined;
  /** Entries held at most; the least recently used go first. Default: no count bound (bytes only). */
  maxEntries?: number | undefined;
  /** Clock for TTLs (tests). */
  now?: (() => number) | undefined;
}

/**
 * In-process LRU cache (lru-cache), bounded by total bytes and per-entry TTL: one instance.
 * @example const cache = new MemoryCache({ maxBytes: 64 * 1024 * 1024 });
 */
export class MemoryCache implements Cache {
  private readonly lru: LRUCache<string, string>;
  private readonly maxEntry: number;

  constructor(options: MemoryCacheOptions = {}) {
    this.maxEntry = options.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES;
    const now = options.now;
    this.lru = new LRUCache<string, string>({
      maxSize: options.maxBytes ?? 64 * 1024 * 1024,
      ...(options.maxEntries ? { max: options.maxEntries } : {}),
      sizeCalculation: (value, key) => Buffer.byteLength(value) + Buffer.byteLength(key),
      ttlAutopurge: false,
      allowStale: false,
      // An injected clock is read on every call (no cached "now" between ticks).
      ...(now ? { perf: { now }, ttlResolution: 0 } : {}),
    });
  }

  async get(key: string): Promise<string | undefined> {
    return this.lru.get(key);
  }

  async set(key: string, value: string, ttlMs: number): Promise<boolean> {
    checkTtl(ttlMs);
    if (Buffer.byteLength(value) > this.maxEntry) return false;
    this.lru.set(key, value, { ttl: ttlMs });
    return this.lru.has(key);
  }

  async delete(key: string): Promise<void> {
    this.lru.delete(key);
  }

  async close(): Promise<void> {
    this.lru.clear();
  }
}
