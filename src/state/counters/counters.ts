import type { Nanos } from '../../money/index.ts';

/** One counter that a reservation checks and charges, e.g. one budget in one period. */
export interface CounterEntry {
  /** Counter key, e.g. `bud_123:d:2026-11-25`. Keys within one call are distinct. */
  key: string;
  /** The most that spent + reserved may reach on this key. */
  limit: Nanos;
  /**
   * What was spent on this key before the counters knew it (read from the Store at start-up).
   * Used only to seed a key the counters hold nothing for; otherwise ignored.
   */
  base: Nanos;
  /** Epoch ms after which the key may be forgotten (its period is over); undefined: keep it. */
  expireAt?: number | undefined;
}

export interface ReserveOptions {
  /** Lease time: after this the reservation is released unless settled, released or renewed first. */
  ttlMs?: number;
}

/** The outcome of `reserve`: a lease on every key, or the first key that had no room. */
export type ReserveResult =
  | { ok: true; reservationId: string; expiresAt: number }
  | { ok: false; key: string; spent: Nanos; reserved: Nanos; limit: Nanos };

/** Spent and reserved amounts of one key. */
export interface CounterUsage {
  key: string;
  spent: Nanos;
  reserved: Nanos;
}

/** The outcome of `settle`. */
export interface SettleResult {
  /** false when the lease had already expired (its reservation was released; the charge still counts). */
  leaseLive: boolean;
  /** Usage of each settled key after the charge, in the order given. */
  usage: CounterUsage[];
}

/**
 * One token bucket (a leaky bucket, as rate limits count): `limit` units per `windowMs`, drained
 * continuously, so after a burst capacity comes back at `limit / windowMs` per millisecond. A bucket
 * nobody touched for `windowMs` is full again and may be forgotten.
 */
export interface BucketSpec {
  /** Bucket key, e.g. `rl:key:key_1:r`. Keys within one call are distinct. */
  key: string;
  /** Most units the bucket admits in one window (a positive integer). */
  limit: number;
  /** Length of the window in ms (60_000 for per-minute limits). */
  windowMs: number;
}

/** A bucket and how much to take from it (a non-negative integer). */
export interface BucketTake extends BucketSpec {
  amount: number;
}

/** A bucket and how much to add (positive: more was used than taken) or give back (negative). */
export interface BucketAdjust extends BucketSpec {
  delta: number;
}

/** What a bucket holds after a call, in the terms of OpenAI's `x-ratelimit-*` headers. */
export interface BucketState {
  key: string;
  limit: number;
  /** Units that may still be taken now (floored, never negative). */
  remaining: number;
  /** Milliseconds until the bucket is full again (`x-ratelimit-reset-*`). */
  resetMs: number;
}

/** The outcome of `take`: every bucket charged, or none and the first that refused. */
export type TakeResult =
  | { ok: true; states: BucketState[] }
  | {
      ok: false;
      /** Index of the first bucket that had no room, in the order given. */
      index: number;
      /** Milliseconds until that bucket could admit the amount; -1 when it never can (amount > limit). */
      retryAfterMs: number;
      /** Every bucket as it is (nothing was taken). */
      states: BucketState[];
    };

/**
 * Counters: atomic multi-key reservations with leases (budgets, concurrency slots) and token buckets
 * (requests and tokens per minute). Every method is atomic with respect to every other call on the
 * same counters, also across processes for a distributed adapter.
 *
 * Semantics, which every adapter passes (see `countersContract`):
 * - `reserve` checks every entry and, only if all have room, reserves `amount` on all of them in one
 *   step. An entry has room when `spent + reserved + amount <= limit` and `spent + reserved < limit`
 *   (so an exhausted key also refuses a zero-amount reservation).
 * - `settle` ends the lease (if still live) and adds `actual` to `spent` of the given keys.
 *   `release` ends the lease and charges nothing. The caller settles or releases each reservation
 *   at most once (the budget `Reservation` guarantees it).
 * - A lease that is neither settled, released nor renewed within its TTL is released by the counters,
 *   so a request that died does not hold budget forever.
 *
 * A Redis adapter implements the same contract with Lua scripts (one script per method, so each is
 * atomic across gateway instances): a hash per key `{spent, reserved}` seeded with `HSETNX spent base`
 * and expired with `PEXPIREAT expireAt`; a hash per lease `{amount, keys}`; a sorted set of lease ids
 * scored by expiry. Every script first releases leases whose score is below Redis `TIME` (so all
 * instances share one clock), then checks and applies. All keys share one hash tag so a script may
 * touch several budgets on Redis Cluster. A bucket is a hash `{level, ts}`: its level drains by
 * `limit / windowMs` per ms of Redis time since `ts`; it expires once it would be empty.
 *
 * @example
 * const r = await counters.reserve([{ key: 'bud_1:d:2026-11-25', limit: 5e9, base: 0 }], 50_000_000);
 * if (r.ok) await counters.settle(r.reservationId, 42_000_000, [{ key: 'bud_1:d:2026-11-25', limit: 5e9, base: 0 }]);
 */
export interface Counters {
  reserve(entries: readonly CounterEntry[], amount: Nanos, options?: ReserveOptions): Promise<ReserveResult>;
  /** Ends the lease and charges `actual` to `entries` (the reservation's keys; needed when the lease expired). */
  settle(reservationId: string, actual: Nanos, entries: readonly CounterEntry[]): Promise<SettleResult>;
  /** Ends the lease without a charge; false when it was not live (already ended or expired). */
  release(reservationId: string): Promise<boolean>;
  /** Extends a live lease by `ttlMs` from now (long streams); false when it was not live. */
  renew(reservationId: string, ttlMs?: number): Promise<boolean>;
  /**
   * Takes `amount` from every bucket if every bucket has room for it (`level + amount <= limit` and
   * `level < limit`), else from none. One atomic step across all buckets.
   */
  take(buckets: readonly BucketTake[]): Promise<TakeResult>;
  /**
   * Corrects buckets without a check (an estimate replaced by the actual): a positive delta may push a
   * bucket past its limit (later takes wait until it drains), a negative one never below empty.
   */
  adjust(buckets: readonly BucketAdjust[]): Promise<BucketState[]>;
  /** Current usage of keys; a key the counters do not hold reports its `base` as spent. */
  usage(entries: readonly Pick<CounterEntry, 'key' | 'base'>[]): Promise<CounterUsage[]>;
  close(): Promise<void>;
}

/** Default lease time: long enough for a slow non-streamed completion, short enough to heal. */
export const DEFAULT_LEASE_TTL_MS = 10 * 60_000;
