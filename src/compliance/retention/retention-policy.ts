import type { Store } from '../../state/index.ts';

export interface RetentionSettings {
  conversationsDays: number | null;
  ledgerDays: number | null;
  auditDays: number | null;
  lastPurgeAt: number | null;
  /** Teams with periods of their own (shorter ones apply to them). */
  teamPolicies: number;
}

/** An organization's retention periods and its last purge; all null when none was set. */
export async function retentionOf(store: Store, orgId: string): Promise<RetentionSettings> {
  const row = await store.db.selectFrom('retention_policies').selectAll().where('org_id', '=', orgId).executeTakeFirst();
  const teams = await store.db
    .selectFrom('team_retention_policies')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .where((eb) => eb.or([eb('conversations_days', 'is not', null), eb('ledger_days', 'is not', null)]))
    .executeTakeFirst();
  return {
    teamPolicies: Number(teams?.n ?? 0),
    conversationsDays: row?.conversations_days ?? null,
    ledgerDays: row?.ledger_days ?? null,
    auditDays: row?.audit_days ?? null,
    lastPurgeAt: row?.last_purge_at == null ? null : Number(row.last_purge_at),
  };
}
