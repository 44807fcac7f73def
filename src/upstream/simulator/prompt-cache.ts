/**
 * Prompt caching as OpenAI documents it: prompts of at least 1,024 tokens
 * are cached by prefix; a later prompt that starts with a cached prefix
 * reports that prefix, counted in whole blocks of 128 tokens, as
 * `cached_tokens`. Requests are routed by a hash of the prompt's prefix
 * combined with `prompt_cache_key`, so a different key (or model) does not
 * share a cache. Entries live 10 minutes after their last use (24 hours with
 * `prompt_cache_retention: "24h"`).
 *
 * A prompt is remembered as the chained hashes of its full 128-token blocks:
 * block k's hash covers every token before it, so "block k is cached" means
 * "the first (k+1)·128 tokens are cached", and memory is one small entry per
 * block, whatever the prompt length.
 */

/** Prompts shorter than this are never cached. */
export const CACHE_MIN_TOKENS = 1024;
/** Cache hits are counted in blocks of this many tokens. */
export const CACHE_BLOCK_TOKENS = 128;

const IN_MEMORY_TTL_MS = 10 * 60_000;
const EXTENDED_TTL_MS = 24 * 60 * 60_000;
/** Blocks kept at most (about 25M prompt tokens); the least recently used go first. */
const MAX_BLOCKS = 200_000;

/** Which cache a prompt goes to: the model, the caller's `prompt_cache_key`, and the retention. */
export interface CacheRouting {
  model: string;
  promptCacheKey: string | undefined;
  extendedRetention: boolean;
}

/**
 * The block hashes of a prompt's token sequence (empty below
 * {@link CACHE_MIN_TOKENS}: such prompts neither hit nor fill the cache).
 */
export function promptBlocks(tokens: readonly number[], routing: CacheRouting): string[] {
  if (tokens.length < CACHE_MIN_TOKENS) return [];
  const seed = `${routing.model}\u0000${routing.promptCacheKey ?? ''}`;
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < seed.length; i++) {
    a = Math.imul(a ^ seed.charCodeAt(i), 0x01000193) >>> 0;
    b = Math.imul(b ^ seed.charCodeAt(i), 0x5bd1e995) >>> 0;
  }
  const blocks: string[] = [];
  const full = Math.floor(tokens.length / CACHE_BLOCK_TOKENS) * CACHE_BLOCK_TOKENS;
  for (let i = 0; i < full; i++) {
    const token = (tokens[i] as number) | 0;
    a = Math.imul(a ^ token, 0x01000193) >>> 0;
    b = Math.imul(b ^ token, 0x5bd1e995) >>> 0;
    b ^= b >>> 15;
    if ((i + 1) % CACHE_BLOCK_TOKENS === 0) blocks.push(`${a.toString(36)}.${b.toString(36)}.${blocks.length}`);
  }
  return blocks;
}

/** One simulator's prompt cache. */
export class PromptCache {
  /** Block hash → expiry (unix ms); insertion order is recency order. */
  readonly #blocks = new Map<string, number>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /**
   * Cached tokens for a prompt with these blocks, then caches the prompt
   * (as a request that was served would be).
   */
  use(blocks: readonly string[], extendedRetention: boolean): number {
    if (blocks.length === 0) return 0;
    const now = this.#now();
    let hits = 0;
    for (const block of blocks) {
      const expires = this.#blocks.get(block);
      if (expires === undefined || expires < now) break;
      hits++;
    }
    const expires = now + (extendedRetention ? EXTENDED_TTL_MS : IN_MEMORY_TTL_MS);
    for (const block of blocks) {
      const previous = this.#blocks.get(block) ?? 0;
      this.#blocks.delete(block);
      this.#blocks.set(block, Math.max(previous, expires));
    }
    while (this.#blocks.size > MAX_BLOCKS) {
      const oldest = this.#blocks.keys().next();
      if (oldest.done === true) break;
      this.#blocks.delete(oldest.value);
    }
    const cached = hits * CACHE_BLOCK_TOKENS;
    return cached >= CACHE_MIN_TOKENS ? cached : 0;
  }
}
