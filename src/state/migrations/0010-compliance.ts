import { sql, type Kysely } from 'kysely';

// The tamper-evident audit chain (sequence, previous hash, own hash on audit_events; the chain head
// as a lock row; signed checkpoints) and the wrapped data keys of envelope encryption.
export async function up(db: Kysely<any>): Promise<void> {
  const add = (name: string, type: 'bigint' | 'text') => db.schema.alterTable('audit_events').addColumn(name, type).execute();
  await add('seq', 'bigint');
  await add('prev_hash', 'text');
  await add('hash', 'text');
  await add('redactions', 'text');
  await db.schema.createIndex('audit_events_seq').on('audit_events').column('seq').unique().execute();
  await db.schema
    .createIndex('audit_events_unchained')
    .on('audit_events')
    .columns(['at', 'id'])
    .where(sql.ref('seq'), 'is', null)
    .execute();

  // One row (id 1): the chain head, and the row every chainer updates first (its lock).
  await db.schema
    .createTable('audit_chain_head')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.insertInto('audit_chain_head').values({ id: 1, seq: 0, hash: '0'.repeat(64), updated_at: 0 }).execute();

  await db.schema
    .createTable('audit_checkpoints')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('data_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('wrapped', 'text')
    .addColumn('master_key_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('destroyed_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('data_keys_active_owner')
    .on('data_keys')
    .column('owner')
    .unique()
    .where(sql.ref('destroyed_at'), 'is', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('data_keys').execute();
  await db.schema.dropTable('audit_checkpoints').execute();
  await db.schema.dropTable('audit_chain_head').execute();
  await db.schema.dropIndex('audit_events_unchained').execute();
  await db.schema.dropIndex('audit_events_seq').execute();
  for (const c of ['redactions', 'hash', 'prev_hash', 'seq']) await db.schema.alterTable('audit_events').dropColumn(c).execute();
}
