import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { linkPending, loadSigningKey } from '../../src/compliance/audit/index.ts';
import { purgeExpired } from '../../src/compliance/retention/index.ts';
import { storeKinds } from '../support/stores.ts';
import { as, fails, newConversation, ok, startWorkspace, turn } from '../workspace/support.ts';
import { runAuditVerify } from './support.ts';

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
        const ports = w.gw.tg.retentionPorts;
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
        const { exitCode, printed } = await runAuditVerify(w.store);
        assert.equal(exitCode, 0, printed);
      } finally {
        await w.close();
      }
    });

    test('per-team periods: owners set a shorter one for a team; the purge deletes its members\' conversations and its ledger rows only', async () => {
      const w = await startWorkspace(kind);
      try {
        const orgId = w.gw.tg.home.org.id;
        const teamId = w.gw.tg.home.defaultTeam.id;
        const mine = await newConversation(w.gw, w.ana, { title: 'team member' }); // ana is in the team
        await turn(w.gw, w.ana, mine.id, { parent_id: null, content: 'hello from the team' });
        const outside = await newConversation(w.gw, w.olga, { title: 'not in the team' }); // olga is not
        await turn(w.gw, w.olga, outside.id, { parent_id: null, content: 'hello from outside' });
        await w.gw.tg.ledger.flush();

        await fails(as(w.gw, w.ben, `/api/teams/${teamId}/retention`, { method: 'PUT', body: { conversations_days: 7 } }), 403, 'permission_denied');
        await fails(as(w.gw, w.olga, `/api/teams/${teamId}/retention`, { method: 'PUT', body: { conversations_days: 0 } }), 400, 'invalid_parameter', 'conversations_days');
        await fails(as(w.gw, w.olga, `/api/teams/${teamId}/retention`, { method: 'PUT', body: { audit_days: 7 } }), 400, 'invalid_parameter');
        await fails(as(w.gw, w.olga, '/api/teams/team_nope/retention', { method: 'PUT', body: { ledger_days: 7 } }), 404, 'team_not_found', 'id');
        await ok(as(w.gw, w.olga, `/api/orgs/${orgId}/retention`, { method: 'PUT', body: { conversations_days: 400, ledger_days: 3 } }));
        const set = await ok(as(w.gw, w.olga, `/api/teams/${teamId}/retention`, { method: 'PUT', body: { conversations_days: 7, ledger_days: 7 } }));
        assert.deepEqual([set.conversations_days, set.ledger_days, set.effective], [7, 7, { conversations_days: 7, ledger_days: 3 }], 'the shorter period applies');
        assert.equal((await ok(as(w.gw, w.ben, `/api/teams/${teamId}/retention`))).conversations_days, 7, 'a member reads it');
        await ok(as(w.gw, w.olga, `/api/orgs/${orgId}/retention`, { method: 'PUT', body: { conversations_days: null, ledger_days: null } }));

        const store = w.gw.tg.store;
        const rows = async () => (await store.db.selectFrom('usage_records').select(['team_id']).where('org_id', '=', orgId).execute()).map((r) => r.team_id);
        assert.ok((await rows()).includes(teamId) && (await rows()).includes(null), 'ledger rows of the team and of a person outside it');
        const now = Date.now();
        assert.deepEqual(await purgeExpired(store, w.gw.tg.retentionPorts, now), { orgs: 1, conversations: 0, ledgerRows: 0, auditRecords: 0 });

        const later = await purgeExpired(store, w.gw.tg.retentionPorts, now + 10 * DAY);
        assert.equal(later.conversations, 1);
        assert.ok(later.ledgerRows >= 1);
        assert.equal((await ok(as(w.gw, w.ana, '/api/conversations'))).data.length, 0, "the team member's conversation expired");
        assert.equal((await ok(as(w.gw, w.olga, '/api/conversations'))).data.length, 1, 'the conversation of someone outside the team stays');
        assert.ok(!(await rows()).includes(teamId) && (await rows()).includes(null), "the team's ledger rows went, the others stayed");
        const purged = await store.db.selectFrom('audit_events').selectAll().where('action', '=', 'retention.purged').where('target', '=', teamId).executeTakeFirstOrThrow();
        assert.deepEqual(JSON.parse(purged.details), { team_id: teamId, conversations: 1, ledger_rows: later.ledgerRows, conversations_days: 7, ledger_days: 7 });
        assert.ok(await store.db.selectFrom('audit_events').select('id').where('action', '=', 'team.retention_updated').executeTakeFirst(), 'the change is audited');
      } finally {
        await w.close();
      }
    });
  });
}
