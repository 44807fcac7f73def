import type { Selectable } from 'kysely';
import type { AuditEventTable, Store } from '../../state/index.ts';
import { fieldDigest, REDACTABLE_FIELDS } from '../audit/record-hash.ts';

type AuditRow = Selectable<AuditEventTable>;

/** Who an erasure is about: their id, and the email address their records may quote. */
export interface Subject {
  userId: string;
  email: string;
}

/**
 * The audit records about a person: by them (actor), on them (target), or quoting their id or
 * email in before/after/details. Newest first, at most `limit`.
 */
export async function auditAbout(store: Store, s: Subject, limit: number): Promise<AuditRow[]> {
  return store.db
    .selectFrom('audit_events')
    .selectAll()
    .where((eb) => aboutSubject(eb, s))
    .orderBy('at', 'desc')
    .limit(limit)
    .execute();
}

/**
 * Pseudonymizes the audit records about a person by recorded redaction, so the chain still
 * verifies: in a linked record each changed field's original value is replaced and its digest kept
 * in `redactions` (the record's hash commits to field digests, see record-hash.ts); a record not
 * linked yet is simply rewritten (it is hashed later, as rewritten). Actor and target become the
 * pseudonym; before, after and details of records on or quoting the person, and the source
 * address of their own actions, are removed. Runs under the chain head's row lock, so no chainer
 * hashes a record half-way through. Returns how many records changed.
 */
export async function redactAuditAbout(store: Store, s: Subject, pseudonym: string): Promise<number> {
  return store.db.transaction().execute(async (trx) => {
    // The chainers' lock (chain-linker.ts): taken first, held to commit.
    await trx.updateTable('audit_chain_head').set((eb) => ({ updated_at: eb.ref('updated_at') })).where('id', '=', 1).execute();
    const rows = await trx.selectFrom('audit_events').selectAll().where((eb) => aboutSubject(eb, s)).execute();
    let changed = 0;
    for (const row of rows) {
      const next = redacted(row, s, pseudonym);
      if (Object.keys(next).length === 0) continue;
      const set: Record<string, string | null> = { ...next };
      if (row.seq !== null) {
        const digests: Record<string, string> = row.redactions ? (JSON.parse(row.redactions) as Record<string, string>) : {};
        for (const field of Object.keys(next) as (keyof typeof next)[]) {
          if (!REDACTABLE_FIELDS.has(field)) throw new Error(`${field} is not redactable`);
          // A field redacted before keeps its first digest: that is what the hash covers.
          digests[field] ??= fieldDigest(field, normalize(row[field])).toString('hex');
        }
        set.redactions = JSON.stringify(digests);
      }
      await trx.updateTable('audit_events').set(set as Partial<AuditRow>).where('id', '=', row.id).execute();
      changed++;
    }
    return changed;
  });
}

/** The fields of one record to replace, with their new values. */
function redacted(row: AuditRow, s: Subject, pseudonym: string): Partial<Record<'actor' | 'target' | 'before' | 'after' | 'details' | 'ip', string | null>> {
  const out: Partial<Record<'actor' | 'target' | 'before' | 'after' | 'details' | 'ip', string | null>> = {};
  const quotes = (v: string | null) => v !== null && (v.includes(s.userId) || v.includes(s.email));
  if (row.actor === s.userId) {
    out.actor = pseudonym;
    if (row.ip !== null) out.ip = null;
  }
  // Also composite targets such as `<team>/<user>` (a membership).
  if (row.target.includes(s.userId)) out.target = row.target.replaceAll(s.userId, pseudonym);
  const onSubject = row.target === s.userId;
  // details is never null (an empty object when there is nothing to say).
  for (const f of ['before', 'after', 'details'] as const) if (row[f] !== null && (onSubject || quotes(row[f]))) out[f] = f === 'details' ? '{}' : null;
  return out;
}

function aboutSubject(eb: any, s: Subject) {
  // Unescaped: `_` and `%` match more than they should, never less; `redacted` then checks exactly.
  const like = (v: string) => `%${v}%`;
  const quoting = (col: string) => eb.or([eb(col, 'like', like(s.userId)), eb(col, 'like', like(s.email))]);
  return eb.or([eb('actor', '=', s.userId), eb('target', 'like', like(s.userId)), quoting('before'), quoting('after'), quoting('details')]);
}

function normalize(v: unknown): string | number | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'number' || typeof v === 'bigint' ? Number(v) : String(v);
}
