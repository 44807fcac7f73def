import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import { sql } from 'kysely';
import { z } from 'zod';
import { fail } from '../../errors/index.ts';
import type { Database } from '../../state/index.ts';
import type { Visibility } from '../permissions/visibility.ts';

const time = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time such as 2026-01-31T12:00:00Z' }).transform((s) => Date.parse(s));
const text = (max: number) => z.string().trim().min(1, { error: 'must not be empty' }).max(max, { error: `must be at most ${max} characters` });

/** The query string of `GET /api/audit`. */
export const AuditQuery = z.strictObject({
  /** Cursor: records older than the record with this id (the `next_after` of the previous page). */
  after: text(100).optional(),
  /** Cursor: records older than this time. */
  before: time.optional(),
  limit: z.coerce.number({ error: 'must be an integer from 1 to 500' }).int({ error: 'must be an integer from 1 to 500' }).min(1, { error: 'must be an integer from 1 to 500' }).max(500, { error: 'must be an integer from 1 to 500' }).default(100),
  /** An exact action (`key.created`) or a prefix ending in `.*` (`team.*`). */
  action: text(200)
    .regex(/^[a-z0-9_]+(\.[a-z0-9_]+)*(\.\*)?$/i, { error: "must be an action such as 'key.created' or a prefix such as 'team.*'" })
    .optional(),
  target: text(300).optional(),
  actor: text(200).optional(),
  from: time.optional(),
  to: time.optional(),
});

export type AuditFilter = z.output<typeof AuditQuery>;
/** The filter fields (no paging), shared by the list and the export. */
export type AuditFilterFields = Omit<AuditFilter, 'limit'>;

/** Checks what the schema cannot: one cursor at most, and `from` not after `to`. */
export function checkAuditFilter(f: AuditFilterFields): void {
  if (f.after !== undefined && f.before !== undefined) {
    throw fail('invalid_parameter', { param: 'before', reason: "give either 'after' (a record id) or 'before' (a time), not both" });
  }
  if (f.from !== undefined && f.to !== undefined && f.from > f.to) {
    throw fail('invalid_parameter', { param: 'from', reason: "must not be after 'to'" });
  }
}

/** Who reads the audit log: the visibility of `audit.read`, and whether records without an organization count (the home organization's). */
export interface AuditReader {
  visibility: Visibility;
  home: boolean;
}

type AuditEb = ExpressionBuilder<Database, 'audit_events'>;

/**
 * The records a reader may see. An org-wide grant (owners, auditors) sees every record of the
 * organization (the home organization also the deployment's records, which have none). A team grant
 * (team admins) sees records whose target is one of its teams, a membership in it, or a key, budget
 * or invitation of it, and records of the reader's own actions.
 */
export function auditVisible(eb: AuditEb, r: AuditReader): Expression<SqlBool> {
  const v = r.visibility;
  const inOrg = eb('audit_events.org_id', '=', v.orgId);
  if (v.all) return r.home ? eb.or([inOrg, eb('audit_events.org_id', 'is', null)]) : inOrg;
  const teams = v.teams;
  const any: Expression<SqlBool>[] = [eb('audit_events.actor', '=', v.userId)];
  if (teams.length > 0) {
    any.push(
      eb('audit_events.target', 'in', teams),
      ...teams.map((t) => sql<SqlBool>`substr(audit_events.target, 1, ${t.length + 1}) = ${`${t}/`}`),
      eb('audit_events.target', 'in', eb.selectFrom('api_keys').select('api_keys.id').where('api_keys.org_id', '=', v.orgId).where('api_keys.team_id', 'in', teams)),
      eb('audit_events.target', 'in', eb.selectFrom('budgets').select('budgets.id').where('budgets.org_id', '=', v.orgId).where('budgets.team_id', 'in', teams)),
      eb('audit_events.target', 'in', eb.selectFrom('invitations').select('invitations.id').where('invitations.org_id', '=', v.orgId).where('invitations.team_id', 'in', teams)),
    );
  }
  return eb.and([inOrg, eb.or(any)]);
}

/** The filters of the query string, as one condition (the cursor is applied separately). */
export function auditFiltered(eb: AuditEb, f: AuditFilterFields): Expression<SqlBool> {
  const all: Expression<SqlBool>[] = [];
  if (f.action !== undefined) {
    if (f.action.endsWith('.*')) {
      const prefix = f.action.slice(0, -1);
      all.push(sql<SqlBool>`substr(audit_events.action, 1, ${prefix.length}) = ${prefix}`);
    } else all.push(eb('audit_events.action', '=', f.action));
  }
  if (f.target !== undefined) all.push(eb('audit_events.target', '=', f.target));
  if (f.actor !== undefined) all.push(eb('audit_events.actor', '=', f.actor));
  if (f.from !== undefined) all.push(eb('audit_events.at', '>=', f.from));
  if (f.to !== undefined) all.push(eb('audit_events.at', '<', f.to));
  if (f.before !== undefined) all.push(eb('audit_events.at', '<', f.before));
  return eb.and(all);
}

/** Records older than the cursor record (newest first: time, then id, both descending). */
export function olderThan(eb: AuditEb, cursor: { id: string; at: number }): Expression<SqlBool> {
  return eb.or([eb('audit_events.at', '<', cursor.at), eb.and([eb('audit_events.at', '=', cursor.at), eb('audit_events.id', '<', cursor.id)])]);
}
