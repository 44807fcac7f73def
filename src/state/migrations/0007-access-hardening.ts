import type { Kysely } from 'kysely';

// Issue 8 (access hardening):
// - users.email_verified_at: when the person proved their address (a mailed link, or SSO with a
//   verified email); null: unverified.
// - invitations.delivery: 'mail' (the link went only to the address, so accepting proves it) or
//   'link' (returned to the inviter: no mailer configured).
// - budgets.creator_role: the role its creator held where the budget is (owner, admin; null:
//   made before this column, treated as owner's), so a lower role cannot loosen or delete it.
// - change_versions: one counter per topic, bumped in the transaction of each change that must
//   reach every process (revocations, role and membership changes); SQLite processes poll it.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('email_verified_at', 'bigint').execute();
  await db.schema.alterTable('invitations').addColumn('delivery', 'text', (c) => c.notNull().defaultTo('link')).execute();
  await db.schema.alterTable('budgets').addColumn('creator_role', 'text').execute();
  await db.schema
    .createTable('change_versions')
    .addColumn('topic', 'text', (c) => c.primaryKey())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('change_versions').execute();
  await db.schema.alterTable('budgets').dropColumn('creator_role').execute();
  await db.schema.alterTable('invitations').dropColumn('delivery').execute();
  await db.schema.alterTable('users').dropColumn('email_verified_at').execute();
}
