import type { Kysely } from 'kysely';

// What the response cache did for each request (`hit`, `miss`, `bypass`; null when it was not
// consulted) and, for a hit, what the answer cost when the upstream gave it: the saving, in integer
// nano-dollars (a hit's own cost is 0).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('usage_records').addColumn('cache_status', 'text').execute();
  await db.schema.alterTable('usage_records').addColumn('cache_saved_nanos', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('usage_records').dropColumn('cache_saved_nanos').execute();
  await db.schema.alterTable('usage_records').dropColumn('cache_status').execute();
}
