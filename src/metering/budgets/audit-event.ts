import { randomBytes } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { AuditEventTable } from '../../state/schema-budgets.ts';

/**
 * An `audit_events` row. Written in the same transaction as the change it describes.
 * @example await trx.insertInto('audit_events').values(auditEvent('admin', 'budget.created', budget.id, { limit_usd: '5.00' }, now)).execute();
 */
export function auditEvent(actor: string, action: string, target: string, details: Record<string, unknown>, at: number): Insertable<AuditEventTable> {
  return { id: `aud_${randomBytes(12).toString('hex')}`, at, actor, action, target, details: JSON.stringify(details) };
}
