import type { Insertable, Kysely } from 'kysely';
import type { AuditEventTable, Database } from '../../state/index.ts';

/**
 * Appends one event to the audit log, inside the caller's transaction so the event commits with the
 * change it records. Compliance owns `audit_events` (the chainer links and hashes new rows later);
 * other modules append through this function and never update or delete a row.
 * @example await appendAuditEvent(trx, changeRecord(ctx, { action: 'team.renamed', target: team.id, before, after }, now));
 */
export async function appendAuditEvent(db: Kysely<Database>, event: Insertable<AuditEventTable>): Promise<void> {
  await db.insertInto('audit_events').values(event).execute();
}
