import type { Logger } from 'pino';
import type { Store } from '../../state/index.ts';
import type { Nanos } from '../../money/index.ts';

interface Pending {
  budget_id: string;
  period_id: string;
  spent_nanos: Nanos;
  unpriced_requests: number;
}

/**
 * Persists settled spend to `budget_spend` off the hot path: `add` only sums in memory; a timer
 * writes the sums as one upsert that adds to what is stored, so several instances never lose an
 * increment. A failed write keeps the sums and retries.
 * @example writer.add('bud_1', 'd:2026-11-25', 42_000_000, false); await writer.flush();
 */
export class SpendWriter {
  private pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly now: () => number,
    private readonly intervalMs = 200,
  ) {}

  add(budgetId: string, periodId: string, spent: Nanos, unpriced: boolean): void {
    const k = `${budgetId}\u0000${periodId}`;
    const p = this.pending.get(k) ?? { budget_id: budgetId, period_id: periodId, spent_nanos: 0, unpriced_requests: 0 };
    p.spent_nanos += spent;
    if (unpriced) p.unpriced_requests += 1;
    this.pending.set(k, p);
    this.timer ??= setTimeout(() => void this.flush(), this.intervalMs);
  }

  /** Forgets unwritten spend of a deleted budget. */
  drop(budgetId: string): void {
    for (const [k, p] of this.pending) if (p.budget_id === budgetId) this.pending.delete(k);
  }

  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.chain = this.chain.then(() => this.write());
    return this.chain;
  }

  /** Writes what is pending; a failure now is logged, not retried. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    const updatedAt = this.now();
    try {
      await this.store.db
        .insertInto('budget_spend')
        .values(batch.map((p) => ({ ...p, updated_at: updatedAt })))
        .onConflict((oc) =>
          oc.columns(['budget_id', 'period_id']).doUpdateSet((eb) => ({
            spent_nanos: eb('budget_spend.spent_nanos', '+', eb.ref('excluded.spent_nanos')),
            unpriced_requests: eb('budget_spend.unpriced_requests', '+', eb.ref('excluded.unpriced_requests')),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    } catch (err) {
      if (this.closed) {
        this.log.error({ err, rows: batch }, 'budget spend write failed while closing; spend not persisted');
        return;
      }
      this.log.error({ err, rows: batch.length }, 'budget spend write failed; will retry');
      for (const p of batch) {
        const k = `${p.budget_id}\u0000${p.period_id}`;
        const q = this.pending.get(k);
        if (q) {
          q.spent_nanos += p.spent_nanos;
          q.unpriced_requests += p.unpriced_requests;
        } else this.pending.set(k, p);
      }
      this.timer ??= setTimeout(() => void this.flush(), 1_000);
    }
  }
}
