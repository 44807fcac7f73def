import type { FastifyInstance } from 'fastify';
import { errors } from '../../http/errors.ts';
import { documentRoute } from '../../http/openapi/route-docs.ts';
import { parseInput } from '../../http/parse-input.ts';
import { accessOf } from '../enforce.ts';
import { seesAnything, visibility } from '../permissions/visibility.ts';
import type { AccessRouteDeps } from '../route-deps.ts';
import { AuditQuery, auditFiltered, auditVisible, checkAuditFilter, olderThan, type AuditReader } from './audit-query.ts';
import { auditView } from './audit-view.ts';
import { AuditExportQuery, sendAuditExport } from './audit-export.ts';

documentRoute('GET /api/audit', {
  summary: "Change records of your organization (owners, auditors) or about your teams (team admins), newest first; page with 'after' (next_after) or 'before'.",
  query: AuditQuery,
});

documentRoute('GET /api/audit/export', {
  summary: 'Every audit record of your organization that matches the filters, oldest first, as JSON Lines (application/x-ndjson) for a SIEM; owners and auditors.',
  query: AuditExportQuery,
});

/**
 * `GET /api/audit`: the change records (audit log) the caller may read, newest first, with
 * cursor pagination (`after` a record id, or `before` a time), `limit` (1–500, default 100) and
 * filters (`action` exact or `team.*`, `target`, `actor`, `from`/`to`). See auditVisible for who sees what.
 * @example GET /api/audit?action=budget.*&limit=50  →  { object: 'list', data: [...], has_more, next_after }
 */
export async function auditRoutes(app: FastifyInstance, deps: AccessRouteDeps): Promise<void> {
  let homeOrgId: string | undefined;
  const db = deps.store.db;

  app.get('/audit', async (req) => {
    const f = parseInput(AuditQuery, req.query, 'query');
    checkAuditFilter(f);
    const { actor } = accessOf(req);
    const v = visibility(actor, 'audit.read');
    if (!seesAnything(v)) throw errors.forbidden('permission_denied', "You do not have permission to perform 'audit.read'.");
    homeOrgId ??= (await deps.directory.homeOrg())?.id;
    const reader: AuditReader = { visibility: v, home: actor.orgId === homeOrgId };

    let q = db
      .selectFrom('audit_events')
      .selectAll()
      .where((eb) => auditVisible(eb, reader))
      .where((eb) => auditFiltered(eb, f));
    if (f.after !== undefined) {
      const after = f.after;
      const cursor = await db.selectFrom('audit_events').select(['id', 'at']).where('id', '=', after).where((eb) => auditVisible(eb, reader)).executeTakeFirst();
      if (!cursor) throw errors.badRequest('invalid_parameter', `Invalid 'after': no audit record with id '${after.slice(0, 100)}'.`, 'after');
      q = q.where((eb) => olderThan(eb, { id: cursor.id, at: Number(cursor.at) }));
    }
    const rows = await q.orderBy('audit_events.at', 'desc').orderBy('audit_events.id', 'desc').limit(f.limit + 1).execute();
    const page = rows.slice(0, f.limit);
    const hasMore = rows.length > f.limit;
    return { object: 'list', data: page.map(auditView), has_more: hasMore, next_after: hasMore ? page.at(-1)!.id : null };
  });

  // The export is the organization's whole log: only an org-wide grant (owners, auditors) may take it.
  app.get('/audit/export', async (req, reply) => {
    const f = parseInput(AuditExportQuery, req.query, 'query');
    checkAuditFilter(f);
    const { actor } = accessOf(req);
    const v = visibility(actor, 'audit.read');
    if (!v.all) throw errors.forbidden('permission_denied', 'Exporting the audit log needs audit.read on the whole organization (owners and auditors).');
    homeOrgId ??= (await deps.directory.homeOrg())?.id;
    return sendAuditExport(reply, db, { visibility: v, home: actor.orgId === homeOrgId }, f);
  });
}
