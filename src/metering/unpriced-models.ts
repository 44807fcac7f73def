import { randomBytes } from 'node:crypto';
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Logger } from 'pino';
import { z } from 'zod';
import { visibleWhere } from '../access/index.ts';
import type { Database, Store } from '../state/index.ts';
import type { UsageScope } from './ledger.ts';
import { auditEvent } from './budgets/audit-event.ts';
import { appendAuditEvent } from '../compliance/audit/index.ts';

/** An alert that belongs to no budget (e.g. `unpriced_model`), as `GET /api/alerts` lists it for org-wide readers. */
export const AdminAlertView = z.object({
  id: z.string(),
  object: z.literal('admin.alert'),
  /** e.g. `unpriced_model`. */
  kind: z.string(),
  /** What it is about, e.g. the model id. */
  subject: z.string(),
  /** Free-form facts of the alert (for `unpriced_model`: `{ model }`). */
  details: z.record(z.string(), z.unknown()),
  created_at: z.iso.datetime(),
});
export type AdminAlertView = z.output<typeof AdminAlertView>;

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
            await appendAuditEvent(trx, auditEvent('system', 'price.unknown_model', model, { model }, at));
          }
        });
        this.log.warn({ model }, 'model has no price: its cost is recorded as unknown; add one with PUT /api/prices/{model}');
      } catch (err) {
        this.log.error({ err, model }, 'could not record the unpriced-model alert');
      }
    });
  }

  /**
   * Unpriced-model alerts, newest first. They belong to the deployment: the home organization sees
   * every one; another organization only those of models its own keys used.
   */
  async alerts(limit: number, reader?: { orgId: string; home: boolean }): Promise<AdminAlertView[]> {
    await this.pending;
    let q = this.store.db.selectFrom('admin_alerts').selectAll();
    if (reader && !reader.home) {
      const orgId = reader.orgId;
      q = q.where('kind', '=', 'unpriced_model').where('subject', 'in', (eb) =>
        eb
          .selectFrom('usage_daily')
          .innerJoin('api_keys', 'api_keys.id', 'usage_daily.key_id')
          .select('usage_daily.model')
          .where('api_keys.org_id', '=', orgId)
          .where('usage_daily.unpriced_requests', '>', 0),
      );
    }
    const rows = await q.orderBy('created_at', 'desc').limit(limit).execute();
    return rows.map((r) => ({
      id: r.id,
      object: 'admin.alert',
      kind: r.kind,
      subject: r.subject,
      details: JSON.parse(r.details) as Record<string, unknown>,
      created_at: new Date(Number(r.created_at)).toISOString(),
    }));
  }

  /**
   * Usage without a known cost, per requested model, from the daily roll-up (survives raw-row
   * retention). With a scope, only the usage of keys the scope lets through (a roll-up row is placed
   * by its key: the key's organization, team and user).
   */
  async report(scope?: UsageScope): Promise<UnpricedModelReport[]> {
    await this.pending;
    let q = this.store.db
      .selectFrom('usage_daily')
      .leftJoin('api_keys', 'api_keys.id', 'usage_daily.key_id')
      .select((eb) => [
        'usage_daily.model as model',
        eb.fn.sum<number>('usage_daily.unpriced_requests').as('requests'),
        eb.fn.sum<number>('usage_daily.prompt_tokens').as('prompt_tokens'),
        eb.fn.sum<number>('usage_daily.completion_tokens').as('completion_tokens'),
        eb.fn.min<string>('usage_daily.day').as('first_day'),
        eb.fn.max<string>('usage_daily.day').as('last_day'),
      ])
      .where('usage_daily.unpriced_requests', '>', 0);
    if (scope) q = q.where((eb) => keyVisible(eb, scope));
    const rows = await q.groupBy('usage_daily.model').orderBy('usage_daily.model').execute();
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

/** Roll-up rows whose key the scope lets through; rows without a (placed) key count as the home organization's. */
function keyVisible(eb: ExpressionBuilder<Database, 'usage_daily' | 'api_keys'>, scope: UsageScope): Expression<SqlBool> {
  const placed = visibleWhere(eb, scope.visibility, { org: 'api_keys.org_id', team: 'api_keys.team_id', owner: 'api_keys.user_id' });
  if (!scope.includeUnplaced || !scope.visibility.all) return placed;
  return eb.or([placed, sql<SqlBool>`api_keys.org_id is null`]);
}
