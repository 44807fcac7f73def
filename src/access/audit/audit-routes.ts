import { fail } from '../../errors/index.ts';
import { defineRoute, type AnyRoute } from '../../http/index.ts';
import { accessOf } from '../enforce.ts';
import { seesAnything, visibility } from '../permissions/visibility.ts';
import type { AccessRouteDeps } from '../route-deps.ts';
import { z } from 'zod';
import { AuditQuery, auditFiltered, auditVisible, checkAuditFilter, olderThan, type AuditReader } from './audit-query.ts';
import { auditView, AuditViewSchema, withRequestContent } from './audit-view.ts';
import { AuditExportQuery, sendAuditExport } from './audit-export.ts';

const AuditPage = z.strictObject({
  object: z.literal('list'),
  data: z.array(AuditViewSchema),
  has_more: z.boolean(),
  next_after: z.string().nullable().describe("Give it as 'after' for the next (older) page; null on the last page"),
});

/**
 * `GET /api/audit`: the change records (audit log) the caller may read, newest first, with
 * cursor pagination (`after` a record id, or `before` a time), `limit` (1–500, default 100) and
 * filters (`action` exact or `team.*`, `target`, `actor`, `from`/`to`). See auditVisible for who sees what.
 * `GET /api/audit/export`: the organization's whole matching log as JSON Lines.
 * @example GET /api/audit?action=budget.*&limit=50  →  { object: 'list', data: [...], has_more, next_after }
 */
export function auditRoutes(deps: AccessRouteDeps): AnyRoute[] {
  let homeOrgId: string | undefined;
  const db = deps.store.db;

  return [
    defineRoute({
      method: 'GET',
      path: '/api/audit',
      permission: 'audit.read',
      summary: "Change records of your organization (owners, auditors) or about your teams (team admins), newest first; page with 'after' (next_after) or 'before'.",
      query: AuditQuery,
      response: AuditPage,
      handler: async ({ query: f, req }) => {
        checkAuditFilter(f);
        const { actor } = accessOf(req);
        const v = visibility(actor, 'audit.read');
        if (!seesAnything(v)) throw fail('permission_denied', { what: "perform 'audit.read'" });
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
          if (!cursor) throw fail('invalid_parameter', { param: 'after', reason: `no audit record with id '${after.slice(0, 100)}'` });
          q = q.where((eb) => olderThan(eb, { id: cursor.id, at: Number(cursor.at) }));
        }
        const rows = await q.orderBy('audit_events.at', 'desc').orderBy('audit_events.id', 'desc').limit(f.limit + 1).execute();
        const page = rows.slice(0, f.limit);
        const hasMore = rows.length > f.limit;
        const shown = await withRequestContent(page, deps.directory.cipher, v.all);
        return { object: 'list' as const, data: shown.map(auditView), has_more: hasMore, next_after: hasMore ? page.at(-1)!.id : null };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/audit/export',
      permission: 'audit.read',
      summary: 'Every audit record of your organization that matches the filters, oldest first, as JSON Lines (application/x-ndjson) for a SIEM; owners and auditors.',
      query: AuditExportQuery,
      produces: 'application/x-ndjson',
      handler: async ({ query: f, req, reply }) => {
        checkAuditFilter(f);
        const { actor } = accessOf(req);
        const v = visibility(actor, 'audit.read');
        // The export is the organization's whole log: only an org-wide grant (owners, auditors) may take it.
        if (!v.all) throw fail('permission_denied', { what: 'export the audit log (it needs audit.read on the whole organization: owners and auditors)' });
        homeOrgId ??= (await deps.directory.homeOrg())?.id;
        return sendAuditExport(reply, db, { visibility: v, home: actor.orgId === homeOrgId }, f, deps.directory.cipher);
      },
    }),
  ];
}
