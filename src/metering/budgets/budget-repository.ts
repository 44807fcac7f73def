import type { Selectable } from 'kysely';
import type { Store } from '../../state/index.ts';
import type { BudgetSpendTable } from '../../state/schema-budgets.ts';
import { auditEvent } from './audit-event.ts';
import { budgetFromRow, budgetToRow, type Budget } from './budget.ts';

/**
 * Budget rows in the store. Every change is written with its audit event in one transaction.
 * @example const repo = new BudgetRepository(store); await repo.insert(budget, 'admin');
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

  async insert(budget: Budget, actor: string): Promise<void> {
    const row = budgetToRow(budget);
    await this.store.db.transaction().execute(async (trx) => {
      await trx.insertInto('budgets').values(row).execute();
      await trx.insertInto('audit_events').values(auditEvent(actor, 'budget.created', budget.id, row, budget.createdAt)).execute();
    });
  }

  /** Writes `next` over `old`; the audit event lists the changed columns. */
  async update(old: Budget, next: Budget, actor: string): Promise<void> {
    const before = budgetToRow(old);
    const after = budgetToRow(next);
    const changes = Object.fromEntries(
      (Object.keys(after) as (keyof typeof after)[])
        .filter((k) => k !== 'updated_at' && before[k] !== after[k])
        .map((k) => [k, { from: before[k], to: after[k] }]),
    );
    await this.store.db.transaction().execute(async (trx) => {
      await trx.updateTable('budgets').set(after).where('id', '=', next.id).execute();
      await trx.insertInto('audit_events').values(auditEvent(actor, 'budget.updated', next.id, changes, next.updatedAt)).execute();
    });
  }

  /** Deletes the budget and its spend; its alerts and audit events stay. */
  async delete(budget: Budget, actor: string, at: number): Promise<void> {
    await this.store.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('budgets').where('id', '=', budget.id).execute();
      await trx.deleteFrom('budget_spend').where('budget_id', '=', budget.id).execute();
      await trx.insertInto('audit_events').values(auditEvent(actor, 'budget.deleted', budget.id, budgetToRow(budget), at)).execute();
    });
  }

  /** Stored spend rows of these budgets in these periods (a superset of the pairs asked for). */
  async spend(budgetIds: readonly string[], periodIds: readonly string[]): Promise<Selectable<BudgetSpendTable>[]> {
    if (budgetIds.length === 0 || periodIds.length === 0) return [];
    return this.store.db.selectFrom('budget_spend').selectAll().where('budget_id', 'in', budgetIds).where('period_id', 'in', periodIds).execute();
  }

  async keyExists(keyId: string): Promise<boolean> {
    return (await this.store.db.selectFrom('api_keys').select('id').where('id', '=', keyId).executeTakeFirst()) !== undefined;
  }
}
