import type { Kysely } from 'kysely';

// Guardrail policies (src/guard): at most one per organization, team or key, stored as the JSON an
// administrator sent (validated by the policy schema before it is written). The team and user columns
// place a policy for permissions (a team admin may set their team's and their team keys' policies).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('guard_policies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('scope_id', 'text', (c) => c.notNull())
    .addColumn('team_id', 'text')
    .addColumn('owner_user_id', 'text')
    .addColumn('policy', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('guard_policies_scope').on('guard_policies').columns(['scope', 'scope_id']).unique().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('guard_policies').execute();
}
