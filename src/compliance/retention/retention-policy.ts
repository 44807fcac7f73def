import type { Store } from '../../state/index.ts';

export interface RetentionSettings {
  conversationsDays: number | null;
  ledgerDays: number | null;
  auditDays: number | null;
  lastPurgeAt: number | null;
}

/** An organization's retention periods and its last purge; all null when none was set. */
export async function retentionOf(store: Store, orgId: string): Promise<RetentionSettings> {
  const row = await store.db.selectFrom('retention_policies').selectAll().where('org_id', '=', orgId).executeTakeFirst();
  return {
    conversationsDays: row?.conversations_days ?? null,
    ledgerDays: row?.ledger_days ?? null,
    auditDays: row?.audit_days ?? null,
    lastPurgeAt: row?.last_purge_at == null ? null : Number(row.last_purge_at),
  };
}
