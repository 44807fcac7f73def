import type { Kysely } from 'kysely';

// Per ledger row: how many upstream attempts the request took (retries and fallbacks) and which
// deployments they went to. Rows from before count 0 attempts (unknown).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('usage_records').addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('usage_records').addColumn('deployments_tried', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('usage_records').dropColumn('deployments_tried').execute();
  await db.schema.alterTable('usage_records').dropColumn('attempts').execute();
}
