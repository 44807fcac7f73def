import type { BucketSpec } from './counters.ts';

/** Argument checks every Counters adapter makes before it changes anything. */

/** An amount of nano-dollars must be a non-negative safe integer. */
export function checkAmount(amount: number): void {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`amount must be a non-negative integer of nano-dollars, got ${amount}`);
}

/** Keys within one call must be distinct (a repeated key would be charged twice). */
export function checkDistinct(entries: readonly { key: string }[]): void {
  if (new Set(entries.map((e) => e.key)).size !== entries.length) throw new RangeError('counter keys within one call must be distinct');
}

/** A bucket needs a positive limit and window, and a whole amount (non-negative for a take). */
export function checkBucket(b: BucketSpec, amount: number, name: 'amount' | 'delta'): void {
  if (!Number.isSafeInteger(b.limit) || b.limit <= 0) throw new RangeError(`bucket limit must be a positive integer, got ${b.limit}`);
  if (!Number.isSafeInteger(b.windowMs) || b.windowMs <= 0) throw new RangeError(`bucket window must be a positive integer of ms, got ${b.windowMs}`);
  if (!Number.isSafeInteger(amount) || (name === 'amount' && amount < 0)) throw new RangeError(`bucket ${name} must be ${name === 'amount' ? 'a non-negative' : 'an'} integer, got ${amount}`);
}
