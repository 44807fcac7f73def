import { randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Logger } from 'pino';
import { visibleWhere, type Visibility } from '../../access/index.ts';
import type { Store } from '../../state/index.ts';
import type { BudgetAlertTable } from '../../state/index.ts';
import { formatUsd, type Nanos } from '../../money/index.ts';
import { auditEvent } from './audit-event.ts';
import type { Budget } from './budget.ts';
import type { Period } from './period.ts';
import type { WebhookSender } from './webhook-sender.ts';
import { appendAuditEvent } from '../../compliance/audit/index.ts';

export type AlertKind = BudgetAlertTable['kind'];

/** Webhook and audit action names of the two alert kinds. */
export const ALERT_ACTIONS: Record<AlertKind, string> = {
  threshold: 'budget.threshold_crossed',
  blocked: 'budget.limit_blocked',
};

const FIRED_MAX = 50_000;

/**
 * Budget alerts: a soft threshold crossed, or the hard limit refusing a request, each at most once
 * per budget and period. The unique row in `budget_alerts` decides "once" across instances; the
 * instance that inserts it writes the audit event (same transaction) and sends the webhook.
 * Nothing here runs on the request's path: callers get no promise and no exception.
 * @example alerts.afterSettle(budget, period, spentNow, charged);
 */
export class BudgetAlerts {
  /** Alerts this instance already fired or saw fired: skips the insert attempt. */
  private readonly fired = new Set<string>();
  private readonly tasks = new Set<Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly webhook: WebhookSender | undefined,
    private readonly log: Logger,
    private readonly now: () => number,
  ) {}

  /** After a settle: fires every threshold that `spent` has reached and that has not fired this period. */
  afterSettle(budget: Budget, period: Period, spent: Nanos, charged: Nanos): void {
    if (charged <= 0) return;
    for (const t of budget.thresholds) {
      if (spent >= thresholdNanos(budget.limitNanos, t)) this.fire(budget, period, 'threshold', t, spent);
    }
  }

  /** The hard limit refused a request. */
  blocked(budget: Budget, period: Period, spent: Nanos): void {
    this.fire(budget, period, 'blocked', 100, spent);
  }

  /** Alerts, newest first. */
  /** Alerts, newest first; with a visibility, only alerts of existing budgets it lets through. */
  async list(q: { budgetId?: string | undefined; limit: number; visibility?: Visibility | undefined }): Promise<Selectable<BudgetAlertTable>[]> {
    await this.flush();
    let query = this.store.db.selectFrom('budget_alerts').selectAll('budget_alerts');
    const v = q.visibility;
    if (v) {
      query = query
        .innerJoin('budgets', 'budgets.id', 'budget_alerts.budget_id')
        .where((eb) => visibleWhere(eb, v, { org: 'budgets.org_id', team: 'budgets.team_id', owner: 'budgets.owner_user_id' }));
    }
    if (q.budgetId !== undefined) query = query.where('budget_alerts.budget_id', '=', q.budgetId);
    return query.orderBy('budget_alerts.created_at', 'desc').orderBy('budget_alerts.id', 'desc').limit(q.limit).execute();
  }

  /** Waits until every alert so far is stored and its webhook delivered (or given up). */
  async flush(): Promise<void> {
    while (this.tasks.size > 0) await Promise.all([...this.tasks]);
    await this.webhook?.flush();
  }

  async close(): Promise<void> {
    while (this.tasks.size > 0) await Promise.all([...this.tasks]);
    await this.webhook?.close();
  }

  private fire(budget: Budget, period: Period, kind: AlertKind, threshold: number, spent: Nanos): void {
    const once = `${budget.id}:${period.id}:${kind}:${threshold}`;
    if (this.fired.has(once)) return;
    if (this.fired.size >= FIRED_MAX) this.fired.clear();
    this.fired.add(once);
    const task = this.record(budget, period, kind, threshold, spent).catch((err: unknown) => {
      this.fired.delete(once);
      this.log.error({ err, budget: budget.id, period: period.id, kind, threshold }, 'budget alert failed');
    });
    this.tasks.add(task);
    void task.finally(() => this.tasks.delete(task));
  }

  private async record(budget: Budget, period: Period, kind: AlertKind, threshold: number, spent: Nanos): Promise<void> {
    const at = this.now();
    const row: Selectable<BudgetAlertTable> = {
      id: `alt_${randomBytes(12).toString('hex')}`,
      budget_id: budget.id,
      period_id: period.id,
      kind,
      threshold,
      spent_nanos: spent,
      limit_nanos: budget.limitNanos,
      created_at: at,
    };
    const body = webhookBody(row, budget, period);
    const inserted = await this.store.db.transaction().execute(async (trx) => {
      const won = await trx
        .insertInto('budget_alerts')
        .values(row)
        .onConflict((oc) => oc.columns(['budget_id', 'period_id', 'kind', 'threshold']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!won) return false;
      await appendAuditEvent(trx, auditEvent('system', ALERT_ACTIONS[kind], budget.id, body, at, budget.orgId));
      return true;
    });
    if (inserted) {
      this.log.info({ budget: budget.id, period: period.id, kind, threshold, spent: formatUsd(spent) }, ALERT_ACTIONS[kind]);
      this.webhook?.send({ id: row.id, type: ALERT_ACTIONS[kind], body });
    }
  }
}

/** ceil(limit × percent / 100), exact for any limit. */
export function thresholdNanos(limit: Nanos, percent: number): Nanos {
  return Number((BigInt(limit) * BigInt(percent) + 99n) / 100n);
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The JSON an alert webhook carries (also the audit event's details). */
function webhookBody(row: Selectable<BudgetAlertTable>, budget: Budget, period: Period): Record<string, unknown> {
  return {
    id: row.id,
    type: ALERT_ACTIONS[row.kind],
    created_at: new Date(row.created_at).toISOString(),
    budget: {
      id: budget.id,
      name: budget.name,
      scope: budget.scope,
      scope_id: budget.scopeId,
      period: budget.period,
      timezone: budget.timezone,
      limit_usd: formatUsd(budget.limitNanos),
      thresholds: budget.thresholds,
    },
    period_id: period.id,
    period_start: iso(period.start),
    resets_at: iso(period.end),
    threshold: row.threshold,
    spent_usd: formatUsd(row.spent_nanos),
    limit_usd: formatUsd(row.limit_nanos),
  };
}
