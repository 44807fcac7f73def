import type { Kysely } from 'kysely';

// Organizations, teams, users, memberships, sessions, invitations and one-time tokens; keys,
// ledger rows and budgets learn which organization, team and user they belong to; audit events
// carry the organization and the before/after of a change.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('orgs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('require_2fa', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('ip_allowlist', 'text')
    .addColumn('sso', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('teams')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('teams_org_name', ['org_id', 'name'])
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('org_role', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('password_hash', 'text')
    .addColumn('password_changed_at', 'bigint')
    .addColumn('totp_secret', 'text')
    .addColumn('totp_enabled_at', 'bigint')
    .addColumn('totp_last_step', 'bigint')
    .addColumn('recovery_codes', 'text')
    .addColumn('sso_issuer', 'text')
    .addColumn('sso_subject', 'text')
    .addColumn('last_sign_in_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('users_sso_identity', ['sso_issuer', 'sso_subject'])
    .execute();
  await db.schema.createIndex('users_org').on('users').column('org_id').execute();

  await db.schema
    .createTable('memberships')
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('memberships_pk', ['team_id', 'user_id'])
    .execute();
  await db.schema.createIndex('memberships_user').on('memberships').column('user_id').execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint')
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('method', 'text', (c) => c.notNull().defaultTo('password'))
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('invitations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('team_id', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('invited_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('accepted_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('invitations_team').on('invitations').column('team_id').execute();

  await db.schema
    .createTable('one_time_tokens')
    .addColumn('hash', 'text', (c) => c.primaryKey())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema.createIndex('one_time_tokens_subject').on('one_time_tokens').columns(['subject', 'purpose']).execute();

  const add = (table: string, name: string, type: 'bigint' | 'text') =>
    db.schema.alterTable(table).addColumn(name, type).execute();
  for (const col of ['org_id', 'team_id', 'user_id', 'endpoints', 'ip_allowlist', 'last_used_ip', 'previous_hash'] as const) {
    await add('api_keys', col, 'text');
  }
  await add('api_keys', 'previous_expires_at', 'bigint');
  await add('api_keys', 'rotated_at', 'bigint');
  await db.schema.createIndex('api_keys_previous_hash').on('api_keys').column('previous_hash').execute();
  await db.schema.createIndex('api_keys_team').on('api_keys').columns(['org_id', 'team_id']).execute();
  await db.schema.createIndex('api_keys_user').on('api_keys').column('user_id').execute();

  for (const col of ['org_id', 'team_id', 'user_id'] as const) await add('usage_records', col, 'text');
  await db.schema.createIndex('usage_records_team_created').on('usage_records').columns(['team_id', 'created_at']).execute();
  await db.schema.createIndex('usage_records_user_created').on('usage_records').columns(['user_id', 'created_at']).execute();

  await add('budgets', 'org_id', 'text');
  await add('budgets', 'team_id', 'text');
  await add('budgets', 'owner_user_id', 'text');

  for (const col of ['org_id', 'before', 'after', 'request_id', 'ip'] as const) await add('audit_events', col, 'text');
  await db.schema.createIndex('audit_events_org_at').on('audit_events').columns(['org_id', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['one_time_tokens', 'invitations', 'sessions', 'memberships', 'users', 'teams', 'orgs']) {
    await db.schema.dropTable(t).execute();
  }
}
