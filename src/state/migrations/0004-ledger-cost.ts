import type { Kysely } from 'kysely';

// Cost per request (integer nano-dollars; null = the model has no price), and a daily roll-up that
// analytics read instead of raw rows, so raw rows can be deleted after a retention period.
export async function up(db: Kysely<any>): Promise<void> {
  const add = (name: string, type: 'bigint' | 'integer' | 'text', notNullDefault?: number) =>
    db.schema
      .alterTable('usage_records')
      .addColumn(name, type, (c) => (notNullDefault === undefined ? c : c.notNull().defaultTo(notNullDefault)))
      .execute();
  await add('audio_in_tokens', 'integer', 0);
  await add('audio_out_tokens', 'integer', 0);
  await add('service_tier', 'text');
  await add('cost_nanos', 'bigint');
  await add('cost_input_nanos', 'bigint', 0);
  await add('cost_cached_nanos', 'bigint', 0);
  await add('cost_cache_write_nanos', 'bigint', 0);
  await add('cost_output_nanos', 'bigint', 0);
  await add('cost_reasoning_nanos', 'bigint', 0);
  await add('cost_audio_nanos', 'bigint', 0);
  await add('cost_tier_discount_nanos', 'bigint', 0);
  await add('estimated', 'integer', 0);
  await add('budget_periods', 'text');

  await db.schema
    .createTable('usage_daily')
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('requests', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('errors', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('prompt_tokens', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('cached_tokens', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('completion_tokens', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('reasoning_tokens', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('cost_nanos', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('unpriced_requests', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('estimated_requests', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('usage_daily_pk', ['day', 'key_id', 'model'])
    .execute();

  // Alerts for administrators that belong to no budget (a model used without a price, …).
  await db.schema
    .createTable('admin_alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('admin_alerts_once', ['kind', 'subject'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('admin_alerts').execute();
  await db.schema.dropTable('usage_daily').execute();
  for (const c of [
    'audio_in_tokens', 'audio_out_tokens', 'service_tier', 'cost_nanos', 'cost_input_nanos', 'cost_cached_nanos',
    'cost_cache_write_nanos', 'cost_output_nanos', 'cost_reasoning_nanos', 'cost_audio_nanos',
    'cost_tier_discount_nanos', 'estimated', 'budget_periods',
  ]) {
    await db.schema.alterTable('usage_records').dropColumn(c).execute();
  }
}
