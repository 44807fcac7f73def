import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { auditCommand } from '../../src/cli/audit-command.ts';
import { linkPending, loadSigningKey } from '../../src/compliance/audit/index.ts';
import { purgeExpired } from '../../src/compliance/retention/index.ts';
import { loadConfig } from '../../src/config/index.ts';
import { pruneOrgUsage } from '../../src/metering/index.ts';
import { pruneOrgConversations } from '../../src/workspace/index.ts';
import { storeKinds } from '../support/stores.ts';
import { as, fails, newConversation, ok, startWorkspace, turn } from '../workspace/support.ts';

const DAY = 86_400_000;

for (const kind of storeKinds()) {
  describe(`retention (${kind.name})`, () => {
    test('per-organization periods: owners set them; the purge deletes only what expired, records it, and the audit chain still verifies', async () => {
      const w = await startWorkspace(kind);
      try {
        const orgId = w.gw.tg.home.org.id;
        const c = await newConversation(w.gw, w.ana, { title: 'keep me a while' });
        await turn(w.gw, w.ana, c.id, { parent_id: null, content: 'hello' });
        await w.gw.tg.ledger.flush();

        // Who may set it, and bad inputs.
        await fails(as(w.gw, w.ben, `/api/orgs/${orgId}/retention`, { method: 'PUT', body: { conversations_days: 30 } }), 403, 'permission_denied');
        await fails(as(w.gw, w.olga, `/api/orgs/${orgId}/retention`, { method: 'PUT', body: { conversations_days: 0 } }), 400, 'invalid_parameter', 'conversations_days');
        await fails(as(w.gw, w.olga, `/api/orgs/${orgId}/retention`, { method: 'PUT', body: { forever: true } }), 400, 'invalid_parameter');
        await fails(as(w.gw, w.olga, '/api/orgs/org_other/retention', { method: 'PUT', body: { audit_days: 30 } }), 404, 'not_found');
        const set = await ok(as(w.gw, w.olga, `/api/orgs/${orgId}/retention`, { method: 'PUT', body: { conversations_days: 30, ledger_days: 30, audit_days: 30 } }));
        assert.deepEqual([set.conversations_days, set.ledger_days, set.audit_days], [30, 30, 30]);
        assert.equal((await ok(as(w.gw, w.ben, `/api/orgs/${orgId}/retention`))).audit_days, 30);

        const store = w.gw.tg.store;
        const ports = { deleteConversations: (o: string, b: number) => pruneOrgConversations(store, o, b), deleteLedgerRows: (o: string, b: number) => pruneOrgUsage(store, o, b) };
        const signer = loadSigningKey({ dataDir: w.store.dataDir, create: false })!;
        await linkPending(store, { signer, forceCheckpoint: true });

        // Nothing has expired yet.
        const now = Date.now();
        assert.deepEqual(await purgeExpired(store, ports, now), { orgs: 1, conversations: 0, ledgerRows: 0, auditRecords: 0 });
        assert.equal((await ok(as(w.gw, w.ana, '/api/conversations'))).data.length, 1);

        // 60 days on: the conversation, the ledger rows and the audit records up to the checkpoint go.
        const later = await purgeExpired(store, ports, now + 60 * DAY);
        assert.equal(later.conversations, 1);
        assert.ok(later.ledgerRows >= 1);
        assert.ok(later.auditRecords >= 1);
        assert.equal((await ok(as(w.gw, w.ana, '/api/conversations'))).data.length, 0);
        assert.equal((await store.db.selectFrom('usage_records').select('request_id').where('org_id', '=', orgId).execute()).length, 0);
        const purged = await store.db.selectFrom('audit_events').selectAll().where('action', '=', 'retention.purged').executeTakeFirstOrThrow();
        assert.deepEqual(JSON.parse(purged.details), { conversations: 1, ledger_rows: later.ledgerRows, conversations_days: 30, ledger_days: 30 });
        assert.ok((await ok(as(w.gw, w.ben, `/api/orgs/${orgId}/retention`))).last_purge_at);

        await linkPending(store, { signer, forceCheckpoint: true });
        let printed = '';
        const config = loadConfig({ TOLLGATE_DATA_DIR: w.store.dataDir, TOLLGATE_LOG_LEVEL: 'silent', ...(w.store.databaseUrl ? { DATABASE_URL: w.store.databaseUrl } : {}) }, { findFile: false });
        const exitBefore = process.exitCode;
        await auditCommand(config, ['verify'], { write: (s: string | Uint8Array) => ((printed += String(s)), true) });
        const exitCode = Number(process.exitCode ?? 0);
        process.exitCode = exitBefore;
        assert.equal(exitCode, 0, printed);
      } finally {
        await w.close();
      }
    });
  });
}
