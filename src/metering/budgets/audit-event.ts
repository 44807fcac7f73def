import { randomBytes } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { AuditEventTable } from '../../state/index.ts';

/**
 * An `audit_events` row for an event that is not a change (an alert fired, a model seen without a
 * price); changes use `changeRecord`. `orgId` null: the deployment's (shown to the home organization).
 * @example await appendAuditEvent(trx, auditEvent('system', 'budget.limit_blocked', budget.id, body, now, budget.orgId));
 */
export function auditEvent(actor: string, action: string, target: string, details: Record<string, unknown>, at: number, orgId: string | null = null): Insertable<AuditEventTable> {
  return { id: `aud_${randomBytes(12).toString('hex')}`, at, actor, action, target, details: JSON.stringify(details), org_id: orgId ?? null };
}
