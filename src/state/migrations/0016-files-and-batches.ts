import type { Kysely } from 'kysely';

// Files and batches created at the upstream through the gateway: whose they are (the upstream
// account is shared by every organization) and whether a finished batch was metered.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('upstream_files')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('team_id', 'text')
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('object', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('upstream_files_org_created').on('upstream_files').columns(['org_id', 'created_at']).execute();
  await db.schema
    .createTable('upstream_batches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('team_id', 'text')
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('endpoint', 'text', (c) => c.notNull())
    .addColumn('input_file_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('object', 'text', (c) => c.notNull())
    .addColumn('metering', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('metering_at', 'bigint')
    .addColumn('metered_lines', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('cost_nanos', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('reservation_id', 'text')
    .addColumn('reserved_nanos', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('upstream_batches_org_created').on('upstream_batches').columns(['org_id', 'created_at']).execute();
  await db.schema.createIndex('upstream_batches_metering').on('upstream_batches').columns(['metering', 'status']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('upstream_batches').execute();
  await db.schema.dropTable('upstream_files').execute();
}
