import type { Nanos } from '../../metering/money.ts';

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
 * Counters: atomic multi-key reservations with leases, the port behind budgets (and later rate
 * limits and concurrency leases). Every method is atomic with respect to every other call on the
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
 * touch several budgets on Redis Cluster.
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
  /** Current usage of keys; a key the counters do not hold reports its `base` as spent. */
  usage(entries: readonly Pick<CounterEntry, 'key' | 'base'>[]): Promise<CounterUsage[]>;
  close(): Promise<void>;
}

/** Default lease time: long enough for a slow non-streamed completion, short enough to heal. */
export const DEFAULT_LEASE_TTL_MS = 10 * 60_000;
