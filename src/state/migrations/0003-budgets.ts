import type { Kysely } from 'kysely';

// Migrations take Kysely<any>: they must not depend on the current schema types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('budgets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('scope_id', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('limit_nanos', 'bigint', (c) => c.notNull())
    .addColumn('thresholds', 'text', (c) => c.notNull().defaultTo('[50,80,100]'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('budgets_scope').on('budgets').columns(['scope', 'scope_id']).execute();

  // No foreign keys to budgets: a late settle of a just-deleted budget must not fail a whole batch.
  await db.schema
    .createTable('budget_spend')
    .addColumn('budget_id', 'text', (c) => c.notNull())
    .addColumn('period_id', 'text', (c) => c.notNull())
    .addColumn('spent_nanos', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('unpriced_requests', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('budget_spend_pk', ['budget_id', 'period_id'])
    .execute();

  await db.schema
    .createTable('budget_alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('budget_id', 'text', (c) => c.notNull())
    .addColumn('period_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('threshold', 'integer', (c) => c.notNull())
    .addColumn('spent_nanos', 'bigint', (c) => c.notNull())
    .addColumn('limit_nanos', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('budget_alerts_once', ['budget_id', 'period_id', 'kind', 'threshold'])
    .execute();
  await db.schema.createIndex('budget_alerts_created').on('budget_alerts').column('created_at').execute();
  await db.schema
    .createIndex('budget_alerts_budget_created')
    .on('budget_alerts')
    .columns(['budget_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema.createIndex('audit_events_at').on('audit_events').column('at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_events').execute();
  await db.schema.dropTable('budget_alerts').execute();
  await db.schema.dropTable('budget_spend').execute();
  await db.schema.dropTable('budgets').execute();
}
