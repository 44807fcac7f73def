import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Store } from '../../state/index.ts';
import { appendAuditEvent } from '../audit/index.ts';

const DAY_MS = 86_400_000;

/** What other modules delete for retention, reached through functions the composition root passes in. */
export interface RetentionPorts {
  /** Deletes the organization's conversations (not temporary ones: they have their own 24 h rule) without activity since `before`. */
  deleteConversations(orgId: string, before: number): Promise<number>;
  /** Deletes the organization's raw ledger rows older than `before`. */
  deleteLedgerRows(orgId: string, before: number): Promise<number>;
  /** Deletes the conversations (not temporary) of the team's members without activity since `before`. */
  deleteTeamConversations(orgId: string, teamId: string, before: number): Promise<number>;
  /** Deletes the team's raw ledger rows older than `before`. */
  deleteTeamLedgerRows(teamId: string, before: number): Promise<number>;
}

export interface PurgeResult {
  orgs: number;
  conversations: number;
  ledgerRows: number;
  auditRecords: number;
}

/**
 * One retention pass: for every organization with a policy, deletes conversations and raw ledger
 * rows older than its periods, then the same for every team with a shorter period of its own (its
 * members' conversations, its ledger rows), and records a `retention.purged` audit record with the
 * counts (only when something was deleted). Audit records are deleted only as a prefix of the chain, up to the
 * newest signed checkpoint before the first record that some organization still keeps (its own
 * period not over, or no period: kept forever), so `tollgate audit verify` still passes (the cut is
 * vouched for by that checkpoint).
 * @example await purgeExpired(store, ports, Date.now());
 */
export async function purgeExpired(store: Store, ports: RetentionPorts, now: number): Promise<PurgeResult> {
  const policies = await store.db.selectFrom('retention_policies').selectAll().execute();
  const result: PurgeResult = { orgs: 0, conversations: 0, ledgerRows: 0, auditRecords: 0 };
  const count = (c: { conversations: number; ledgerRows: number }) => {
    result.conversations += c.conversations;
    result.ledgerRows += c.ledgerRows;
  };
  for (const p of policies) {
    const conversations = p.conversations_days === null ? 0 : await ports.deleteConversations(p.org_id, now - p.conversations_days * DAY_MS);
    const ledgerRows = p.ledger_days === null ? 0 : await ports.deleteLedgerRows(p.org_id, now - p.ledger_days * DAY_MS);
    await store.db.transaction().execute(async (trx) => {
      await trx.updateTable('retention_policies').set({ last_purge_at: now }).where('org_id', '=', p.org_id).execute();
      if (conversations + ledgerRows > 0) await appendAuditEvent(trx, purgedRecord(p.org_id, p.org_id, now, { conversations, ledger_rows: ledgerRows, conversations_days: p.conversations_days, ledger_days: p.ledger_days }));
    });
    result.orgs++;
    count({ conversations, ledgerRows });
  }
  // Team periods after the organizations': a team's shorter period takes what its organization's left.
  for (const t of await store.db.selectFrom('team_retention_policies').selectAll().execute()) {
    const conversations = t.conversations_days === null ? 0 : await ports.deleteTeamConversations(t.org_id, t.team_id, now - t.conversations_days * DAY_MS);
    const ledgerRows = t.ledger_days === null ? 0 : await ports.deleteTeamLedgerRows(t.team_id, now - t.ledger_days * DAY_MS);
    if (conversations + ledgerRows > 0) {
      await appendAuditEvent(store.db, purgedRecord(t.org_id, t.team_id, now, { team_id: t.team_id, conversations, ledger_rows: ledgerRows, conversations_days: t.conversations_days, ledger_days: t.ledger_days }));
    }
    count({ conversations, ledgerRows });
  }
  result.auditRecords = await purgeAuditPrefix(store, now);
  return result;
}

/** The `retention.purged` record of one organization's or team's pass (counts and periods, never content). */
function purgedRecord(orgId: string, target: string, now: number, details: Record<string, unknown>) {
  return {
    id: `aud_${randomBytes(12).toString('hex')}`,
    at: now,
    org_id: orgId,
    actor: 'system',
    action: 'retention.purged',
    target,
    before: null,
    after: null,
    details: JSON.stringify(details),
    request_id: null,
    ip: null,
  };
}

/** Deletes the expired prefix of the audit chain up to a signed checkpoint; returns how many records went. */
async function purgeAuditPrefix(store: Store, now: number): Promise<number> {
  const db = store.db;
  if (!(await db.selectFrom('retention_policies').select('org_id').where('audit_days', 'is not', null).limit(1).executeTakeFirst())) return 0;
  return db.transaction().execute(async (trx) => {
    // The chainers' lock: no record is linked while the prefix is cut.
    await trx.updateTable('audit_chain_head').set((eb) => ({ updated_at: eb.ref('updated_at') })).where('id', '=', 1).execute();
    const kept = await trx
      .selectFrom('audit_events as e')
      .leftJoin('retention_policies as r', 'r.org_id', 'e.org_id')
      .select((eb) => eb.fn.min('e.seq').as('seq'))
      .where('e.seq', 'is not', null)
      // Records of no organization (deployment-wide) never hold the cut back.
      .where((eb) => eb.or([eb.and([eb('r.audit_days', 'is', null), eb('e.org_id', 'is not', null)]), eb('e.at', '>=', sql<number>`cast(${now} as bigint) - cast(r.audit_days as bigint) * ${DAY_MS}`)]))
      .executeTakeFirst();
    const firstKept = kept?.seq === null || kept?.seq === undefined ? Number.MAX_SAFE_INTEGER : Number(kept.seq);
    const cp = await trx.selectFrom('audit_checkpoints').select((eb) => eb.fn.max('seq').as('seq')).where('seq', '<', firstKept).executeTakeFirst();
    if (cp?.seq === null || cp?.seq === undefined) return 0;
    const r = await trx.deleteFrom('audit_events').where('seq', '<=', Number(cp.seq)).executeTakeFirst();
    const n = Number(r.numDeletedRows);
    if (n > 0) {
      await appendAuditEvent(trx, {
        id: `aud_${randomBytes(12).toString('hex')}`,
        at: now,
        org_id: null,
        actor: 'system',
        action: 'retention.audit_purged',
        target: 'audit_events',
        before: null,
        after: null,
        details: JSON.stringify({ records: n, through_seq: Number(cp.seq) }),
        request_id: null,
        ip: null,
      });
    }
    return n;
  });
}
