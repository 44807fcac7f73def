import type { CounterEntry } from '../../state/index.ts';
import type { Nanos } from '../../money/index.ts';
import type { Budget } from './budget.ts';
import type { Period } from './period.ts';

/** One budget a reservation holds money on, in the period the request started in. */
export interface ReservationCharge {
  /** The budget as it was when the request was admitted. */
  budget: Budget;
  period: Period;
  entry: CounterEntry;
}

/** What settling did. */
export interface SettleOutcome {
  /** Charged to every budget of the reservation. */
  charged: Nanos;
  /** The cost was unknown (no price): nothing was charged, the request was counted as unpriced. */
  unpriced: boolean;
  /** The lease had expired before the settle; the charge still counts. */
  late: boolean;
}

/** What a Reservation needs from the service that made it. */
export interface ReservationOwner {
  settleReservation(r: Reservation, actual: Nanos | null): Promise<SettleOutcome>;
  releaseReservation(r: Reservation): Promise<void>;
  renewReservation(r: Reservation, ttlMs: number | undefined): Promise<boolean>;
}

const NOTHING: SettleOutcome = { charged: 0, unpriced: false, late: false };

/**
 * Money held on every budget that applies to one request, from admission until the cost is known.
 * Settle with the actual cost when the request completes, release it when the request failed before
 * anything was charged upstream. The first of `settle` and `release` decides; later calls return the
 * same outcome, so both are safe to call from several cleanup paths.
 * @example
 * const r = await budgets.reserve({ keyId: 'key_1' }, worstCase);
 * try { const res = await callUpstream(); await r.settle(costOf(res)); } catch (e) { await r.release(); throw e; }
 */
export class Reservation {
  private done: Promise<SettleOutcome> | undefined;
  private ended: 'settled' | 'released' | undefined;

  constructor(
    private readonly owner: ReservationOwner,
    /** Counters lease id; null when no budget applies to the request. */
    readonly id: string | null,
    /** When the request started: decides the period of every charge. */
    readonly at: number,
    readonly worstCase: Nanos,
    readonly charges: readonly ReservationCharge[],
  ) {}

  get state(): 'reserved' | 'settled' | 'released' {
    return this.ended ?? 'reserved';
  }

  /** `budget_id:period_id` of every budget charged, for the ledger row. */
  get periods(): string[] {
    return this.charges.map((c) => `${c.budget.id}:${c.period.id}`);
  }

  /**
   * Charges the actual cost (nano-dollars) to every budget, in the periods the request started in.
   * `null` means the cost is unknown (an unpriced model): nothing is charged and the request is
   * counted as unpriced on each budget. Throws (synchronously) only for a negative or fractional
   * amount; the returned promise never rejects, so it may be left unawaited.
   */
  settle(actual: Nanos | null): Promise<SettleOutcome> {
    if (actual !== null && (!Number.isSafeInteger(actual) || actual < 0)) {
      throw new RangeError(`actual cost must be a non-negative integer of nano-dollars or null, got ${actual}`);
    }
    if (!this.done) {
      this.ended = 'settled';
      this.done = this.id === null ? Promise.resolve({ ...NOTHING, unpriced: actual === null }) : this.owner.settleReservation(this, actual);
    }
    return this.done;
  }

  /** Gives the reserved money back; nothing is charged. Never rejects. */
  async release(): Promise<void> {
    if (!this.done) {
      this.ended = 'released';
      this.done = this.id === null ? Promise.resolve(NOTHING) : this.owner.releaseReservation(this).then(() => NOTHING);
    }
    await this.done;
  }

  /** Keeps the hold alive past the lease TTL (long streams). False once settled, released or expired. */
  async renew(ttlMs?: number): Promise<boolean> {
    if (this.done || this.id === null) return false;
    return this.owner.renewReservation(this, ttlMs);
  }
}
