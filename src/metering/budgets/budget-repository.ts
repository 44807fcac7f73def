import type { Selectable, Transaction } from 'kysely';
import { changeRecord, keyPlacement, type ChangeContext, type KeyPlacement } from '../../access/index.ts';
import { BUDGETS_TOPIC, publishChange, type Database, type Store } from '../../state/index.ts';
import type { BudgetSpendTable } from '../../state/index.ts';
import { formatUsd } from '../../money/index.ts';
import { budgetFromRow, budgetToRow, type Budget } from './budget.ts';
import { appendAuditEvent } from '../../compliance/audit/index.ts';

/** Who changes a budget; absent: the system (CLI, tests). */
export type BudgetChangeContext = ChangeContext | undefined;

/**
 * Budget rows in the store. Every change is written with its change record (actor, action, target,
 * before, after) in one transaction.
 * @example const repo = new BudgetRepository(store); await repo.insert(budget, changeContextOf(req));
 */
export class BudgetRepository {
  constructor(private readonly store: Store) {}

  async all(): Promise<Budget[]> {
    const rows = await this.store.db.selectFrom('budgets').selectAll().execute();
    return rows.map(budgetFromRow);
  }

  async get(id: string): Promise<Budget | undefined> {
    const row = await this.store.db.selectFrom('budgets').selectAll().where('id', '=', id).executeTakeFirst();
    return row && budgetFromRow(row);
  }

  async insert(budget: Budget, ctx: BudgetChangeContext): Promise<void> {
    await this.store.db.transaction().execute(async (trx) => {
      await trx.insertInto('budgets').values(budgetToRow(budget)).execute();
      await record(trx, ctx, 'budget.created', budget, null, budget, budget.createdAt);
      await publishChange(trx, this.store.dialect, BUDGETS_TOPIC);
    });
  }

  /** Writes `next` over `old`; the change record's details list the changed columns. */
  async update(old: Budget, next: Budget, ctx: BudgetChangeContext): Promise<void> {
    const before = budgetToRow(old);
    const after = budgetToRow(next);
    const changes = Object.fromEntries(
      (Object.keys(after) as (keyof typeof after)[])
        .filter((k) => k !== 'updated_at' && before[k] !== after[k])
        .map((k) => [k, { from: before[k], to: after[k] }]),
    );
    await this.store.db.transaction().execute(async (trx) => {
      await trx.updateTable('budgets').set(after).where('id', '=', next.id).execute();
      await record(trx, ctx, 'budget.updated', next, old, next, next.updatedAt, changes);
      await publishChange(trx, this.store.dialect, BUDGETS_TOPIC);
    });
  }

  /** Deletes the budget and its spend; its alerts and change records stay. */
  async delete(budget: Budget, ctx: BudgetChangeContext, at: number): Promise<void> {
    await this.store.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('budgets').where('id', '=', budget.id).execute();
      await trx.deleteFrom('budget_spend').where('budget_id', '=', budget.id).execute();
      await record(trx, ctx, 'budget.deleted', budget, budget, null, at);
      await publishChange(trx, this.store.dialect, BUDGETS_TOPIC);
    });
  }

  /** Stored spend rows of these budgets in these periods (a superset of the pairs asked for). */
  async spend(budgetIds: readonly string[], periodIds: readonly string[]): Promise<Selectable<BudgetSpendTable>[]> {
    if (budgetIds.length === 0 || periodIds.length === 0) return [];
    return this.store.db.selectFrom('budget_spend').selectAll().where('budget_id', 'in', budgetIds).where('period_id', 'in', periodIds).execute();
  }

  async keyExists(keyId: string): Promise<boolean> {
    return (await this.keyPlacement(keyId)) !== undefined;
  }

  /** Where a key belongs (organization, team, user), or undefined for an unknown key. */
  keyPlacement(keyId: string): Promise<KeyPlacement | undefined> {
    return keyPlacement(this.store, keyId);
  }
}

/** A budget as its change records show it: what an admin set, and where it belongs. */
export function budgetRecordView(b: Budget) {
  return {
    id: b.id,
    name: b.name,
    scope: b.scope,
    scope_id: b.scopeId,
    period: b.period,
    timezone: b.timezone,
    limit_usd: formatUsd(b.limitNanos),
    thresholds: b.thresholds,
    org_id: b.orgId ?? null,
    team_id: b.teamId ?? null,
    owner_user_id: b.ownerUserId ?? null,
    creator_role: b.creatorRole ?? null,
  };
}

async function record(
  trx: Transaction<Database>,
  ctx: BudgetChangeContext,
  action: string,
  budget: Budget,
  before: Budget | null,
  after: Budget | null,
  at: number,
  details?: Record<string, unknown>,
): Promise<void> {
  const row = changeRecord(
    { actorId: ctx?.actorId ?? 'system', orgId: budget.orgId ?? ctx?.orgId ?? '', requestId: ctx?.requestId, ip: ctx?.ip },
    { action, target: budget.id, before: before && budgetRecordView(before), after: after && budgetRecordView(after), details },
    at,
  );
  await appendAuditEvent(trx, { ...row, org_id: row.org_id || null });
}
