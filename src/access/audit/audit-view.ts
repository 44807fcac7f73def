import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { AuditEventTable } from '../../state/index.ts';
import { isSealed, requestContentAad, type FieldCipher } from '../../compliance/index.ts';

/**
 * Field names whose string values are never shown, wherever they appear in a record. Change records
 * are written without secrets; this is the second line of defence for a writer that forgets.
 */
const SECRET_FIELDS = new Set([
  'password',
  'password_hash',
  'secret',
  'key',
  'api_key',
  'token',
  'token_hash',
  'hash',
  'previous_hash',
  'totp_secret',
  'recovery_codes',
  'client_secret',
  'csrf_token',
  'webhook_secret',
]);

/** An audit record as the API (and the export, one per line) shows it. */
export const AuditViewSchema = z.strictObject({
  id: z.string(),
  object: z.literal('audit_event'),
  at: z.iso.datetime(),
  actor: z.string().describe('A user id, a key id, `system`, `anonymous` or `sso:<issuer>`'),
  action: z.string().describe('e.g. `key.created`, `team.renamed`'),
  target: z.string().nullable(),
  // The state before and after the change: the view of whatever changed (a key, a team, a budget…), secrets masked.
  before: z.unknown().describe('The changed thing before the change (its API view), or null'),
  after: z.unknown().describe('The changed thing after the change (its API view), or null'),
  details: z.record(z.string(), z.unknown()).describe('Extra facts of the change (counts, methods); never a secret'),
  request_id: z.string().nullable(),
  ip: z.string().nullable(),
  seq: z.number().int().nullable().describe('Position in the tamper-evident chain; null until linked (within seconds)'),
  prev_hash: z.string().nullable(),
  hash: z.string().nullable(),
});
export type AuditView = z.output<typeof AuditViewSchema>;

/**
 * An audit record as `GET /api/audit` shows it: JSON columns parsed, times in ISO 8601, secrets masked.
 * @example auditView(row).before // { id: 'team_1', name: 'Ops', … } or null
 */
export function auditView(r: Selectable<AuditEventTable>): AuditView {
  return {
    id: r.id,
    object: 'audit_event',
    at: new Date(Number(r.at)).toISOString(),
    actor: r.actor,
    action: r.action,
    target: r.target,
    before: parseJson(r.before),
    after: parseJson(r.after),
    details: (parseJson(r.details) as Record<string, unknown> | null) ?? {},
    request_id: r.request_id,
    ip: r.ip,
    /** Position in the tamper-evident chain and the chain hashes; null until linked (within seconds). */
    seq: r.seq ?? null,
    prev_hash: r.prev_hash ?? null,
    hash: r.hash ?? null,
  };
}

function parseJson(text: string | null): unknown {
  if (text === null || text === '') return null;
  try {
    return masked(JSON.parse(text));
  } catch {
    return null;
  }
}

/** A copy of a JSON value with the string (or array) values of secret-named fields replaced. */
export function masked(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(masked);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET_FIELDS.has(k.toLowerCase()) && (typeof v === 'string' || Array.isArray(v)) ? '[redacted]' : masked(v)]),
  );
}

/**
 * Rows with the exchange of `gateway.request` records (audit level `full`, sealed in `after`) opened
 * for a reader who sees the whole organization; for anyone else it stays out of the view (`after`
 * shows null). A crypto-shredded user's content no longer opens and shows null as well.
 */
export async function withRequestContent(rows: Selectable<AuditEventTable>[], cipher: FieldCipher, orgWide: boolean): Promise<Selectable<AuditEventTable>[]> {
  return Promise.all(
    rows.map(async (r) => {
      if (r.action !== 'gateway.request' || r.after === null || !isSealed(r.after)) return r;
      if (!orgWide || r.org_id === null) return { ...r, after: null };
      return { ...r, after: await cipher.open(r.org_id, r.after, requestContentAad(r.id)) };
    }),
  );
}
