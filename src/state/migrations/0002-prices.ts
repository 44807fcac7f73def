import type { Kysely } from 'kysely';

// Admin price overrides. Prices are a JSON object of decimal strings (exact, readable in either
// dialect); one row per model and effective date, so a new price never rewrites an old one.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('price_overrides')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('effective_from', 'bigint', (c) => c.notNull())
    .addColumn('prices', 'text', (c) => c.notNull())
    .addColumn('max_output_tokens', 'integer', (c) => c.notNull())
    .addColumn('context_window', 'integer', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addUniqueConstraint('price_overrides_model_effective_from', ['model', 'effective_from'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('price_overrides').execute();
}
