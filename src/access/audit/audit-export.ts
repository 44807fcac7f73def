import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { FieldCipher } from '../../compliance/index.ts';
import type { Database } from '../../state/index.ts';
import { AuditQuery, auditFiltered, auditVisible, type AuditFilterFields, type AuditReader } from './audit-query.ts';
import { auditView, withRequestContent } from './audit-view.ts';

/** The query string of `GET /api/audit/export`: the list's filters, no paging (everything that matches is sent). */
export const AuditExportQuery = AuditQuery.pick({ action: true, target: true, actor: true, from: true, to: true }).extend({
  /** JSON Lines, one record per line (the only format for now; named so a later one can be added). */
  format: z.literal('jsonl', { error: "must be 'jsonl'" }).default('jsonl'),
});

const PAGE = 1_000;

/**
 * Sends every record the reader may see that matches the filters, oldest first (time, then id), as
 * JSON Lines, read in pages of 1,000 as the client consumes them: memory stays flat for any size,
 * and a client that stops reading stops the queries.
 */
export function sendAuditExport(reply: FastifyReply, db: Kysely<Database>, reader: AuditReader, filter: AuditFilterFields, cipher: FieldCipher): FastifyReply {
  async function* lines(): AsyncGenerator<string> {
    let cursor: { at: number; id: string } | undefined;
    for (;;) {
      let q = db
        .selectFrom('audit_events')
        .selectAll()
        .where((eb) => auditVisible(eb, reader))
        .where((eb) => auditFiltered(eb, filter));
      if (cursor) {
        const c = cursor;
        q = q.where((eb) => eb.or([eb('audit_events.at', '>', c.at), eb.and([eb('audit_events.at', '=', c.at), eb('audit_events.id', '>', c.id)])]));
      }
      const rows = await q.orderBy('audit_events.at').orderBy('audit_events.id').limit(PAGE).execute();
      if (rows.length > 0) yield `${(await withRequestContent(rows, cipher, reader.visibility.all)).map((r) => JSON.stringify(auditView(r))).join('\n')}\n`;
      if (rows.length < PAGE) return;
      const last = rows.at(-1)!;
      cursor = { at: Number(last.at), id: last.id };
    }
  }
  const day = new Date().toISOString().slice(0, 10);
  return reply
    .type('application/x-ndjson; charset=utf-8')
    .header('content-disposition', `attachment; filename="tollgate-audit-${day}.jsonl"`)
    .header('cache-control', 'no-store')
    .send(Readable.from(lines(), { objectMode: false }));
}
