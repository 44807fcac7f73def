import type { Kysely } from 'kysely';

// Rate limits set on keys and teams through the API (JSON `{requests_per_minute, tokens_per_minute,
// max_concurrent}`, null: none), and the gateway instances that share this store (a heartbeat each),
// so an instance can tell that limits held in its own memory are not the only ones.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('api_keys').addColumn('rate_limits', 'text').execute();
  await db.schema.alterTable('teams').addColumn('rate_limits', 'text').execute();
  await db.schema
    .createTable('gateway_instances')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('heartbeat_at', 'bigint', (c) => c.notNull())
    .addColumn('shared_counters', 'integer', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('gateway_instances').execute();
  await db.schema.alterTable('teams').dropColumn('rate_limits').execute();
  await db.schema.alterTable('api_keys').dropColumn('rate_limits').execute();
}
