import type { Kysely } from 'kysely';

// Upstream deployments written through /api/deployments (src/upstream): the settings as JSON and, when
// the key was given inline, the key sealed under the home organization's data key.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('upstream_deployments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('api_key', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('upstream_deployments').execute();
}
