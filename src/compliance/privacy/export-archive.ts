import { strToU8, zipSync, type Zippable } from 'fflate';

/** The parts of a data export the archive lays out as files (see exportPersonData). */
export interface ExportDocument {
  object: 'data_export';
  format_version: 1;
  generated_at: string;
  user: Record<string, unknown>;
  conversations: readonly unknown[];
  templates: readonly unknown[];
  usage: readonly unknown[];
  audit: readonly unknown[];
  truncated: boolean;
}

const README = `Tollgate data export

manifest.json              when it was made, what it holds, whether the usage or audit lists were cut
user.json                  the profile and team memberships
conversations/<id>.json    one file per conversation, with every message (all branches)
templates.json             the templates this person wrote
usage.jsonl                one ledger row per line (requests made with this person's keys)
audit.jsonl                one audit record per line (records by or about this person)
`;

/**
 * A data export as a ZIP archive: the same content as the JSON document, one file per conversation and
 * one JSON line per ledger row and audit record, so a large export opens in ordinary tools.
 * @example reply.header('content-type', 'application/zip').send(exportArchive(doc));
 */
export function exportArchive(doc: ExportDocument): Uint8Array {
  const json = (v: unknown) => strToU8(`${JSON.stringify(v, null, 2)}\n`);
  const lines = (rows: readonly unknown[]) => strToU8(rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
  const conversations: Zippable = {};
  doc.conversations.forEach((c, i) => {
    const id = (c as { id?: unknown }).id;
    conversations[`${typeof id === 'string' ? id.replace(/[^A-Za-z0-9_-]/g, '_') : `conversation_${i + 1}`}.json`] = json(c);
  });
  const files: Zippable = {
    'README.txt': strToU8(README),
    'manifest.json': json({
      object: doc.object,
      format_version: doc.format_version,
      generated_at: doc.generated_at,
      truncated: doc.truncated,
      counts: { conversations: doc.conversations.length, templates: doc.templates.length, usage: doc.usage.length, audit: doc.audit.length },
    }),
    'user.json': json(doc.user),
    conversations,
    'templates.json': json(doc.templates),
    'usage.jsonl': lines(doc.usage),
    'audit.jsonl': lines(doc.audit),
  };
  return zipSync(files, { level: 6, mtime: new Date(doc.generated_at) });
}
