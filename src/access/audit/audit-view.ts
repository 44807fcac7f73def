import type { Selectable } from 'kysely';
import type { AuditEventTable } from '../../state/schema-budgets.ts';

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

/**
 * An audit record as `GET /api/audit` shows it: JSON columns parsed, times in ISO 8601, secrets masked.
 * @example auditView(row).before // { id: 'team_1', name: 'Ops', … } or null
 */
export function auditView(r: Selectable<AuditEventTable>) {
  return {
    id: r.id,
    object: 'audit_event' as const,
    at: new Date(Number(r.at)).toISOString(),
    actor: r.actor,
    action: r.action,
    target: r.target,
    before: parseJson(r.before),
    after: parseJson(r.after),
    details: parseJson(r.details) ?? {},
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
