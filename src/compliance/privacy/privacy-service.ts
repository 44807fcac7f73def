import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { assertMayErase, changeRecord, eraseAccount, type ChangeContext, type Directory, type UserRow, userView } from '../../access/index.ts';
import type { Store } from '../../state/index.ts';
import { appendAuditEvent } from '../audit/index.ts';
import type { Envelope } from '../crypto/index.ts';
import { auditAbout, redactAuditAbout } from './audit-redaction.ts';

/** At most this many ledger rows and audit records go into one export. */
export const EXPORT_ROW_LIMIT = 100_000;

/** What the other modules hold about a person, reached through functions the composition root passes in. */
export interface PrivacyPorts {
  /** The person's conversations (decrypted) and personal templates. */
  workspaceData(userId: string): Promise<{ conversations: unknown[]; templates: unknown[] }>;
  /** Deletes the person's conversations and personal templates; team templates get the pseudonym as author. */
  eraseWorkspace(userId: string, pseudonym: string): Promise<{ conversations: number; templates: number }>;
  usageOf(userId: string, limit: number): Promise<Record<string, unknown>[]>;
  pseudonymizeUsage(userId: string, pseudonym: string): Promise<number>;
}

export interface PrivacyDeps {
  store: Store;
  directory: Directory;
  /** Undefined without a master key: there is no per-user data key to shred (content rows are still deleted). */
  envelope: Envelope | undefined;
  ports: PrivacyPorts;
  now?: () => number;
}

/** What an erasure did (returned to the caller and kept in its audit record). */
export interface ErasureReport {
  pseudonym: string;
  data_key_destroyed: boolean;
  conversations_deleted: number;
  templates_deleted: number;
  usage_rows_pseudonymized: number;
  audit_records_redacted: number;
  keys_revoked: number;
}

/**
 * Everything Tollgate holds about a person, as one JSON document: profile and memberships,
 * conversations with every message, personal templates, ledger rows (ids, tokens, cost) and audit
 * records about them. The export is itself audited (`privacy.exported`).
 */
export async function exportPersonData(deps: PrivacyDeps, user: UserRow, ctx: ChangeContext) {
  const subject = { userId: user.id, email: user.email };
  const memberships = await deps.directory.memberships(user.id);
  const workspace = await deps.ports.workspaceData(user.id);
  const usage = await deps.ports.usageOf(user.id, EXPORT_ROW_LIMIT);
  const audit = await auditAbout(deps.store, subject, EXPORT_ROW_LIMIT);
  const at = (deps.now ?? Date.now)();
  const doc = {
    object: 'data_export' as const,
    format_version: 1 as const,
    generated_at: new Date(at).toISOString(),
    user: { ...userView(user), memberships: memberships.map((m) => ({ team_id: m.team_id, role: m.role })) },
    conversations: workspace.conversations,
    templates: workspace.templates,
    usage: usage.map((r) => ({ ...r, created_at: new Date(Number(r['created_at'])).toISOString() })),
    audit: audit.map((r) => ({
      id: r.id,
      at: new Date(Number(r.at)).toISOString(),
      actor: r.actor,
      action: r.action,
      target: r.target,
      before: parsed(r.before),
      after: parsed(r.after),
      details: parsed(r.details),
      ip: r.ip,
      request_id: r.request_id,
    })),
    truncated: usage.length >= EXPORT_ROW_LIMIT || audit.length >= EXPORT_ROW_LIMIT,
  };
  await appendAuditEvent(
    deps.store.db,
    changeRecord(ctx, { action: 'privacy.exported', target: user.id, before: null, after: null, details: { conversations: doc.conversations.length, usage_rows: usage.length, audit_records: audit.length } }, at),
  );
  return doc;
}

/**
 * Erases a person: their data key is destroyed (crypto-shredding: every message and secret sealed
 * under it is unreadable from now on, in backups too), their workspace rows are deleted, their
 * ledger rows and audit records name a random pseudonym instead of them (numbers unchanged; audit
 * by recorded redaction, so `tollgate audit verify` still passes), and their account is stripped
 * and disabled. Recorded as `privacy.erased` on the pseudonym. 409 `last_owner` before anything
 * changes when they are their organization's last active owner.
 */
export async function erasePerson(deps: PrivacyDeps, user: UserRow, ctx: ChangeContext): Promise<ErasureReport> {
  await assertMayErase(deps.directory, user.id);
  const pseudonym = `erased_${randomBytes(12).toString('hex')}`;
  const now = deps.now ?? Date.now;
  // SQLite keeps deleted bytes in free pages unless told to zero them (this connection, from now on).
  if (deps.store.dialect === 'sqlite') await sql`PRAGMA secure_delete = ON`.execute(deps.store.db);
  const destroyed = deps.envelope ? await deps.envelope.destroyUserKey(user.id) : false;
  const ws = await deps.ports.eraseWorkspace(user.id, pseudonym);
  const usage = await deps.ports.pseudonymizeUsage(user.id, pseudonym);
  // The stripped account gets a token of its own, not the pseudonym: the users list would otherwise
  // show which account the pseudonymized rows belonged to.
  const { keysRevoked } = await eraseAccount(deps.directory, user.id, `erased_${randomBytes(12).toString('hex')}`, now());
  const audit = await redactAuditAbout(deps.store, { userId: user.id, email: user.email }, pseudonym);
  const report: ErasureReport = {
    pseudonym,
    data_key_destroyed: destroyed,
    conversations_deleted: ws.conversations,
    templates_deleted: ws.templates,
    usage_rows_pseudonymized: usage,
    audit_records_redacted: audit,
    keys_revoked: keysRevoked,
  };
  // A person erasing themselves is named by the pseudonym, from no address.
  const self = ctx.actorId === user.id;
  const recordCtx: ChangeContext = self ? { actorId: pseudonym, orgId: ctx.orgId, requestId: ctx.requestId } : ctx;
  await appendAuditEvent(deps.store.db, changeRecord(recordCtx, { action: 'privacy.erased', target: pseudonym, before: null, after: null, details: { ...report } }, now()));
  if (deps.store.dialect === 'sqlite') {
    // Earlier updates (chain linking, edits) left old copies of rows in free space: rewrite the file
    // without them, then empty the write-ahead log. O(database size), but erasure is rare.
    await sql`VACUUM`.execute(deps.store.db);
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(deps.store.db);
  }
  return report;
}

function parsed(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
