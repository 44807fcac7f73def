import type { Logger } from 'pino';
import { fail } from '../errors/index.ts';
import type { BucketAdjust, BucketState, BucketTake, CounterEntry, Counters, CounterUsage, ReserveOptions, SettleResult } from '../state/index.ts';
import type { ReserveResult, TakeResult } from '../state/counters/index.ts';

/**
 * Budget counters with the configured answer to an outage (Redis unreachable): `closed` (default)
 * refuses the reservation with a 503 `counters_unavailable`; `open` admits it unreserved, logged (at
 * most once per 10 s). Settle, release and renew pass through: their callers already log a failure
 * and let the lease expire. The last outcome is kept for `/ready`.
 * @example const budgetCounters = new CountersGuard(redisCounters, 'closed', log);
 */
export class CountersGuard implements Counters {
  /** Epoch ms of the last failed call; 0 when the last call succeeded. */
  failingSince = 0;
  private loggedAt = 0;
  private openSequence = 0;

  constructor(
    private readonly inner: Counters,
    private readonly mode: 'closed' | 'open',
    private readonly log: Logger,
  ) {}

  async reserve(entries: readonly CounterEntry[], amount: number, options?: ReserveOptions): Promise<ReserveResult> {
    try {
      const r = await this.inner.reserve(entries, amount, options);
      this.failingSince = 0;
      return r;
    } catch (err) {
      this.failed(err);
      if (this.mode === 'closed') throw fail('counters_unavailable', {}, { headers: { 'retry-after': '1' }, cause: err });
      return { ok: true, reservationId: `unreserved_${++this.openSequence}`, expiresAt: Date.now() };
    }
  }

  settle(reservationId: string, actual: number, entries: readonly CounterEntry[]): Promise<SettleResult> {
    return this.inner.settle(reservationId, actual, entries);
  }

  release(reservationId: string): Promise<boolean> {
    return this.inner.release(reservationId);
  }

  renew(reservationId: string, ttlMs?: number): Promise<boolean> {
    return this.inner.renew(reservationId, ttlMs);
  }

  take(buckets: readonly BucketTake[]): Promise<TakeResult> {
    return this.inner.take(buckets);
  }

  adjust(buckets: readonly BucketAdjust[]): Promise<BucketState[]> {
    return this.inner.adjust(buckets);
  }

  usage(entries: readonly Pick<CounterEntry, 'key' | 'base'>[]): Promise<CounterUsage[]> {
    return this.inner.usage(entries);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private failed(err: unknown): void {
    const now = Date.now();
    if (this.failingSince === 0) this.failingSince = now;
    if (now - this.loggedAt < 10_000) return;
    this.loggedAt = now;
    if (this.mode === 'closed') this.log.error({ err }, 'budget counters unreachable; refusing budgeted requests (fail closed)');
    else this.log.warn({ err }, 'budget counters unreachable; admitting budgeted requests unreserved (fail open)');
  }
}
