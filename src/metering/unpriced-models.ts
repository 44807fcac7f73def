import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Store } from '../state/index.ts';
import { auditEvent } from './budgets/audit-event.ts';

export interface UnpricedModelReport {
  model: string;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  first_day: string;
  last_day: string;
}

/**
 * Models used without a price: their requests are served and recorded with cost `null` (unknown,
 * never 0). The first time a model is seen, an admin alert and an audit event are written (once,
 * also across instances: the alert is unique per model).
 */
export class UnpricedModels {
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Off the hot path: the write is queued and its failure only logged. */
  note(model: string): void {
    const at = this.now();
    this.pending = this.pending.then(async () => {
      try {
        await this.store.db.transaction().execute(async (trx) => {
          const inserted = await trx
            .insertInto('admin_alerts')
            .values({ id: `alt_${randomBytes(12).toString('hex')}`, kind: 'unpriced_model', subject: model, details: JSON.stringify({ model }), created_at: at })
            .onConflict((oc) => oc.columns(['kind', 'subject']).doNothing())
            .executeTakeFirst();
          if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) {
            await trx.insertInto('audit_events').values(auditEvent('system', 'price.unknown_model', model, { model }, at)).execute();
          }
        });
        this.log.warn({ model }, 'model has no price: its cost is recorded as unknown; add one with PUT /api/prices/{model}');
      } catch (err) {
        this.log.error({ err, model }, 'could not record the unpriced-model alert');
      }
    });
  }

  async alerts(limit: number) {
    await this.pending;
    const rows = await this.store.db.selectFrom('admin_alerts').selectAll().orderBy('created_at', 'desc').limit(limit).execute();
    return rows.map((r) => ({
      id: r.id,
      object: 'admin.alert' as const,
      kind: r.kind,
      subject: r.subject,
      details: JSON.parse(r.details) as Record<string, unknown>,
      created_at: new Date(Number(r.created_at)).toISOString(),
    }));
  }

  /** Usage without a known cost, per requested model, from the daily roll-up (survives raw-row retention). */
  async report(): Promise<UnpricedModelReport[]> {
    await this.pending;
    const rows = await this.store.db
      .selectFrom('usage_daily')
      .select((eb) => [
        'model',
        eb.fn.sum<number>('unpriced_requests').as('requests'),
        eb.fn.sum<number>('prompt_tokens').as('prompt_tokens'),
        eb.fn.sum<number>('completion_tokens').as('completion_tokens'),
        eb.fn.min<string>('day').as('first_day'),
        eb.fn.max<string>('day').as('last_day'),
      ])
      .where('unpriced_requests', '>', 0)
      .groupBy('model')
      .orderBy('model')
      .execute();
    return rows.map((r) => ({
      model: r.model,
      requests: Number(r.requests),
      prompt_tokens: Number(r.prompt_tokens),
      completion_tokens: Number(r.completion_tokens),
      first_day: r.first_day,
      last_day: r.last_day,
    }));
  }

  async close(): Promise<void> {
    await this.pending;
  }
}
