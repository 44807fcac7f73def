import type { BucketSpec, BucketState } from './counters.ts';

/**
 * The leaky-bucket arithmetic of `Counters.take` and `Counters.adjust`, for in-process adapters.
 * The Redis scripts (redis-scripts.ts) do the same sums in Lua; both pass one contract suite.
 */

/** The level a bucket has drained to at `now`, from the level it had at `ts`. */
export function drained(level: number, ts: number, now: number, b: BucketSpec): number {
  return Math.max(0, level - (Math.max(0, now - ts) * b.limit) / b.windowMs);
}

/** Whether `amount` fits on top of `level`; an exhausted bucket refuses even nothing. */
export function fits(level: number, amount: number, b: BucketSpec): boolean {
  return level + amount <= b.limit && level < b.limit;
}

/** Milliseconds until `amount` fits; -1 when it never can. */
export function waitFor(level: number, amount: number, b: BucketSpec): number {
  if (amount > b.limit) return -1;
  return Math.max(1, Math.ceil(((level + amount - b.limit) * b.windowMs) / b.limit));
}

/** The headers' view of a bucket at `level`. */
export function stateOf(key: string, level: number, b: BucketSpec): BucketState {
  return {
    key,
    limit: b.limit,
    remaining: Math.max(0, Math.floor(b.limit - level)),
    resetMs: Math.ceil((level * b.windowMs) / b.limit),
  };
}
