import type { Kysely } from 'kysely';

// Per-team retention periods (compliance): a team can keep its members' conversations and its raw
// ledger rows for less time than its organization does.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('team_retention_policies')
    .addColumn('team_id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('conversations_days', 'integer')
    .addColumn('ledger_days', 'integer')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('team_retention_policies_org').on('team_retention_policies').column('org_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('team_retention_policies').execute();
}
