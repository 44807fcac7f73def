import { sql, SqliteAdapter, type Kysely } from 'kysely';

// The workspace: conversations with their messages as a tree, prompt templates and share links,
// and full-text search over titles and message text (SQLite: FTS5 external-content tables kept in
// sync by triggers; PostgreSQL: generated tsvector columns with GIN indexes).
export async function up(db: Kysely<any>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  // A stable integer key per row: FTS5 refers to rows by it (an implicit rowid may change on VACUUM).
  const num = (t: string) =>
    db.schema.createTable(t).addColumn('num', sqlite ? 'integer' : 'bigserial', (c) => (sqlite ? c.primaryKey().autoIncrement() : c.primaryKey()));

  await num('conversations')
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('title_source', 'text', (c) => c.notNull())
    .addColumn('title_request_id', 'text')
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('folder', 'text')
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('pinned', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('archived', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('temporary', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('current_leaf_id', 'text')
    .addColumn('message_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('prompt_tokens', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('completion_tokens', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('cost_nanos', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('conversations_owner_activity').on('conversations').columns(['user_id', 'updated_at']).execute();

  await num('conversation_messages')
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('parent_id', 'text')
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('model', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('prompt_tokens', 'integer')
    .addColumn('completion_tokens', 'integer')
    .addColumn('cost_nanos', 'bigint')
    .addColumn('latency_ms', 'integer')
    .addColumn('request_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('conversation_messages_order', ['conversation_id', 'seq'])
    .execute();

  await db.schema
    .createTable('templates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('team_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('variables', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('templates_owner').on('templates').columns(['org_id', 'user_id']).execute();
  await db.schema.createIndex('templates_team').on('templates').columns(['org_id', 'team_id']).execute();

  await db.schema
    .createTable('conversation_shares')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('leaf_message_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('conversation_shares_conversation').on('conversation_shares').column('conversation_id').execute();

  if (sqlite) await sqliteSearch(db);
  else await postgresSearch(db);
}

async function sqliteSearch(db: Kysely<any>): Promise<void> {
  const fts = (table: string, column: string) => [
    `CREATE VIRTUAL TABLE ${table}_fts USING fts5(${column}, content='${table}', content_rowid='num', tokenize='unicode61 remove_diacritics 2')`,
    `CREATE TRIGGER ${table}_fts_insert AFTER INSERT ON ${table} BEGIN
       INSERT INTO ${table}_fts(rowid, ${column}) VALUES (new.num, new.${column});
     END`,
    `CREATE TRIGGER ${table}_fts_delete AFTER DELETE ON ${table} BEGIN
       INSERT INTO ${table}_fts(${table}_fts, rowid, ${column}) VALUES ('delete', old.num, old.${column});
     END`,
    `CREATE TRIGGER ${table}_fts_update AFTER UPDATE OF ${column} ON ${table} BEGIN
       INSERT INTO ${table}_fts(${table}_fts, rowid, ${column}) VALUES ('delete', old.num, old.${column});
       INSERT INTO ${table}_fts(rowid, ${column}) VALUES (new.num, new.${column});
     END`,
  ];
  for (const statement of [...fts('conversations', 'title'), ...fts('conversation_messages', 'content')]) {
    await sql.raw(statement).execute(db);
  }
}

/** Characters of a message that PostgreSQL indexes: a tsvector holds at most 1 MB, and a longer text could exceed it. */
const POSTGRES_INDEXED_CHARS = 65_536;

async function postgresSearch(db: Kysely<any>): Promise<void> {
  await sql.raw(`ALTER TABLE conversations ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, title)) STORED`).execute(db);
  await sql.raw('CREATE INDEX conversations_search ON conversations USING gin (search)').execute(db);
  await sql
    .raw(`ALTER TABLE conversation_messages ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, left(content, ${POSTGRES_INDEXED_CHARS}))) STORED`)
    .execute(db);
  await sql.raw('CREATE INDEX conversation_messages_search ON conversation_messages USING gin (search)').execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    for (const t of ['conversations', 'conversation_messages']) {
      for (const op of ['insert', 'delete', 'update']) await sql.raw(`DROP TRIGGER IF EXISTS ${t}_fts_${op}`).execute(db);
      await sql.raw(`DROP TABLE IF EXISTS ${t}_fts`).execute(db);
    }
  }
  for (const t of ['conversation_shares', 'templates', 'conversation_messages', 'conversations']) await db.schema.dropTable(t).execute();
}
