import type { Kysely } from 'kysely';

// Per-organization retention periods (compliance) and when the purge last ran for each.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('retention_policies')
    .addColumn('org_id', 'text', (c) => c.primaryKey())
    .addColumn('conversations_days', 'integer')
    .addColumn('ledger_days', 'integer')
    .addColumn('audit_days', 'integer')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('last_purge_at', 'bigint')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('retention_policies').execute();
}
