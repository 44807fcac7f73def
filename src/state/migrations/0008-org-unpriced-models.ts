import type { Kysely } from 'kysely';

// An organization may allow models without a price under budgets (off by default: such requests are refused).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('orgs')
    .addColumn('allow_unpriced_models', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('orgs').dropColumn('allow_unpriced_models').execute();
}
