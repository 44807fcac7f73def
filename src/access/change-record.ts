import { randomBytes } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { AuditEventTable } from '../state/index.ts';

/** Who made a change and from where: the request's actor. */
export interface ChangeContext {
  /** `usr_…`, `key_…` (a service key), `system`, or `anonymous` (a failed sign-in: nobody proven). */
  actorId: string;
  orgId: string;
  requestId?: string | undefined;
  ip?: string | undefined;
}

export interface ChangeInput {
  /** Dotted verb, e.g. `team.created`, `membership.role_changed`, `key.rotated`. */
  action: string;
  /** The id of what changed. */
  target: string;
  /** The target before the change (null: it did not exist); never a secret or a hash. */
  before: unknown;
  /** The target after the change (null: it no longer exists). */
  after: unknown;
  details?: Record<string, unknown> | undefined;
}

/**
 * An `audit_events` row for a change: actor, action, target, before and after. Written in the same
 * transaction as the change it records.
 * @example await appendAuditEvent(trx, changeRecord(ctx, { action: 'team.renamed', target: team.id, before, after }, now));
 */
export function changeRecord(ctx: ChangeContext, change: ChangeInput, at: number): Insertable<AuditEventTable> {
  return {
    id: `aud_${randomBytes(12).toString('hex')}`,
    at,
    actor: ctx.actorId,
    action: change.action,
    target: change.target,
    details: JSON.stringify(change.details ?? {}),
    org_id: ctx.orgId,
    before: change.before === null || change.before === undefined ? null : JSON.stringify(change.before),
    after: change.after === null || change.after === undefined ? null : JSON.stringify(change.after),
    request_id: ctx.requestId ?? null,
    ip: ctx.ip ?? null,
  };
}

/** A fresh id with a type prefix, e.g. `team_3f…`. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}
