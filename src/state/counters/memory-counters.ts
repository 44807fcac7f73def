import { randomBytes } from 'node:crypto';

const ID_PREFIX = `${randomBytes(4).toString('hex')}_`;
let sequence = 0;
import type { Nanos } from '../../money/index.ts';
import { checkAmount, checkBucket, checkDistinct } from './argument-checks.ts';
import { drained, fits, stateOf, waitFor } from './bucket-math.ts';
import {
  DEFAULT_LEASE_TTL_MS,
  type BucketAdjust,
  type BucketState,
  type BucketTake,
  type TakeResult,
  type CounterEntry,
  type CounterUsage,
  type Counters,
  type ReserveOptions,
  type ReserveResult,
  type SettleResult,
} from './counters.ts';

export interface MemoryCountersOptions {
  /** Lease time when `reserve` names none. Default 10 minutes. */
  leaseTtlMs?: number;
  now?: () => number;
}

interface KeyState {
  spent: Nanos;
  reserved: Nanos;
  expireAt: number | undefined;
}

interface Bucket {
  level: number;
  ts: number;
  /** When it is empty again and may be forgotten. */
  emptyAt: number;
}

interface Lease {
  keys: string[];
  amount: Nanos;
  expiresAt: number;
}

const KEY_SWEEP_MS = 60_000;

/**
 * In-process Counters: one JavaScript turn per call, so every call is atomic within this process.
 * Holds for one gateway instance; several instances need a shared adapter (Redis).
 * @example const counters = new MemoryCounters({ leaseTtlMs: 60_000 });
 */
export class MemoryCounters implements Counters {
  private readonly keys = new Map<string, KeyState>();
  private readonly leases = new Map<string, Lease>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly ttl: number;
  private readonly now: () => number;
  /** Earliest time a lease may expire; leases are scanned only once it has passed. */
  private nextLeaseExpiry = Infinity;
  private nextKeySweep = 0;

  constructor(options: MemoryCountersOptions = {}) {
    this.ttl = options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  async reserve(entries: readonly CounterEntry[], amount: Nanos, options: ReserveOptions = {}): Promise<ReserveResult> {
    checkAmount(amount);
    checkDistinct(entries);
    const now = this.now();
    this.sweep(now);
    for (const e of entries) {
      const s = this.keys.get(e.key);
      const spent = s?.spent ?? e.base;
      const reserved = s?.reserved ?? 0;
      const committed = spent + reserved;
      if (committed + amount > e.limit || committed >= e.limit) return { ok: false, key: e.key, spent, reserved, limit: e.limit };
    }
    for (const e of entries) this.state(e).reserved += amount;
    // Unique within this process, which is all an in-process counter needs; no random bytes per request.
    const reservationId = `res_${ID_PREFIX}${(++sequence).toString(36)}`;
    const expiresAt = now + (options.ttlMs ?? this.ttl);
    this.leases.set(reservationId, { keys: entries.map((e) => e.key), amount, expiresAt });
    this.nextLeaseExpiry = Math.min(this.nextLeaseExpiry, expiresAt);
    return { ok: true, reservationId, expiresAt };
  }

  async settle(reservationId: string, actual: Nanos, entries: readonly CounterEntry[]): Promise<SettleResult> {
    checkAmount(actual);
    checkDistinct(entries);
    this.sweep(this.now());
    const leaseLive = this.end(reservationId);
    const usage = entries.map((e) => {
      const s = this.state(e);
      s.spent += actual;
      return { key: e.key, spent: s.spent, reserved: s.reserved };
    });
    return { leaseLive, usage };
  }

  async release(reservationId: string): Promise<boolean> {
    this.sweep(this.now());
    return this.end(reservationId);
  }

  async renew(reservationId: string, ttlMs?: number): Promise<boolean> {
    const now = this.now();
    this.sweep(now);
    const lease = this.leases.get(reservationId);
    if (!lease) return false;
    lease.expiresAt = now + (ttlMs ?? this.ttl);
    return true;
  }

  async take(buckets: readonly BucketTake[]): Promise<TakeResult> {
    for (const b of buckets) checkBucket(b, b.amount, 'amount');
    checkDistinct(buckets);
    const now = this.now();
    this.sweep(now);
    const levels = buckets.map((b) => this.levelOf(b, now));
    const refused = buckets.findIndex((b, i) => !fits(levels[i]!, b.amount, b));
    if (refused >= 0) {
      const b = buckets[refused]!;
      return { ok: false, index: refused, retryAfterMs: waitFor(levels[refused]!, b.amount, b), states: buckets.map((x, i) => stateOf(x.key, levels[i]!, x)) };
    }
    return { ok: true, states: buckets.map((b, i) => this.setLevel(b, levels[i]! + b.amount, now)) };
  }

  async adjust(buckets: readonly BucketAdjust[]): Promise<BucketState[]> {
    for (const b of buckets) checkBucket(b, b.delta, 'delta');
    checkDistinct(buckets);
    const now = this.now();
    this.sweep(now);
    return buckets.map((b) => this.setLevel(b, Math.max(0, this.levelOf(b, now) + b.delta), now));
  }

  async usage(entries: readonly Pick<CounterEntry, 'key' | 'base'>[]): Promise<CounterUsage[]> {
    this.sweep(this.now());
    return entries.map((e) => {
      const s = this.keys.get(e.key);
      return { key: e.key, spent: s?.spent ?? e.base, reserved: s?.reserved ?? 0 };
    });
  }

  async close(): Promise<void> {
    this.keys.clear();
    this.leases.clear();
    this.buckets.clear();
  }

  private state(e: CounterEntry): KeyState {
    let s = this.keys.get(e.key);
    if (!s) {
      s = { spent: e.base, reserved: 0, expireAt: e.expireAt };
      this.keys.set(e.key, s);
    } else if (e.expireAt === undefined || (s.expireAt !== undefined && e.expireAt > s.expireAt)) {
      s.expireAt = e.expireAt;
    }
    return s;
  }

  private levelOf(b: BucketTake | BucketAdjust, now: number): number {
    const s = this.buckets.get(b.key);
    return s ? drained(s.level, s.ts, now, b) : 0;
  }

  private setLevel(b: BucketTake | BucketAdjust, level: number, now: number): BucketState {
    const state = stateOf(b.key, level, b);
    const s = this.buckets.get(b.key);
    if (s) {
      s.level = level;
      s.ts = now;
      s.emptyAt = now + state.resetMs;
    } else if (level > 0) {
      this.buckets.set(b.key, { level, ts: now, emptyAt: now + state.resetMs });
    }
    return state;
  }

  /** Ends a live lease, giving its amount back to its keys. */
  private end(reservationId: string): boolean {
    const lease = this.leases.get(reservationId);
    if (!lease) return false;
    this.leases.delete(reservationId);
    for (const key of lease.keys) {
      const s = this.keys.get(key);
      if (s) s.reserved -= lease.amount;
    }
    return true;
  }

  private sweep(now: number): void {
    if (now >= this.nextLeaseExpiry) {
      let next = Infinity;
      for (const [id, lease] of this.leases) {
        if (lease.expiresAt <= now) this.end(id);
        else next = Math.min(next, lease.expiresAt);
      }
      this.nextLeaseExpiry = next;
    }
    if (now >= this.nextKeySweep) {
      this.nextKeySweep = now + KEY_SWEEP_MS;
      for (const [key, s] of this.keys) {
        if (s.expireAt !== undefined && s.expireAt <= now && s.reserved === 0) this.keys.delete(key);
      }
      for (const [key, b] of this.buckets) if (b.emptyAt <= now) this.buckets.delete(key);
    }
  }
}
