import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { strFromU8, unzipSync } from 'fflate';
import { linkPending } from '../../src/compliance/audit/index.ts';
import { withSession } from '../access/auth/support.ts';
import { storeKinds } from '../support/stores.ts';
import { as, fails, newConversation, ok, startWorkspace, turn } from '../workspace/support.ts';
import { newMasterKeyText, storeBytes, runAuditVerify } from './support.ts';

const SECRET_TEXT = 'Okapiwombat5512 layoffs planned in the Lisbon office';
const TITLE = 'Narwhal8810 plans';

for (const kind of storeKinds()) {
  describe(`privacy requests (${kind.name})`, () => {
    test('export holds profile, conversations, usage and audit; erasure leaves no readable text, unchanged totals and a verifiable chain', async () => {
      const w = await startWorkspace(kind, { TOLLGATE_MASTER_KEY: newMasterKeyText() });
      try {
        const c = await newConversation(w.gw, w.ana, { title: TITLE });
        await turn(w.gw, w.ana, c.id, { parent_id: null, content: SECRET_TEXT });
        await turn(w.gw, w.ben, (await newConversation(w.gw, w.ben)).id, { parent_id: null, content: 'ben says hello' });

        // Export, by the person (a key of theirs) and by an owner.
        const mine = await ok(as(w.gw, w.ana, '/api/me/data-export'));
        assert.equal(mine.object, 'data_export');
        assert.equal(mine.user.id, w.ana.id);
        assert.equal(mine.user.email, w.ana.email);
        assert.equal(mine.conversations.length, 1);
        assert.deepEqual(mine.conversations[0].messages.map((m: any) => m.role), ['user', 'assistant']);
        assert.equal(mine.conversations[0].messages[0].content, SECRET_TEXT);
        assert.ok(mine.usage.length >= 1, 'the turn is in the ledger');
        assert.ok(mine.audit.some((a: any) => a.target === w.ana.id), 'audit records about her');
        const byOwner = await ok(as(w.gw, w.olga, `/api/users/${w.ana.id}/data-export`));
        assert.equal(byOwner.conversations[0].messages[0].content, SECRET_TEXT);

        // The same export as a ZIP archive: a file per conversation, usage and audit as JSON lines.
        const zipped = await as(w.gw, w.ana, '/api/me/data-export?format=zip');
        assert.equal(zipped.status, 200);
        assert.equal(zipped.headers.get('content-type'), 'application/zip');
        assert.match(zipped.headers.get('content-disposition') ?? '', /filename="tollgate-data-.+\.zip"/);
        const files = unzipSync(new Uint8Array(await zipped.arrayBuffer()));
        const text = (name: string) => strFromU8(files[name] ?? new Uint8Array());
        const manifest = JSON.parse(text('manifest.json'));
        assert.deepEqual(manifest.counts, { conversations: 1, templates: 0, usage: mine.usage.length, audit: manifest.counts.audit });
        assert.equal(JSON.parse(text('user.json')).id, w.ana.id);
        assert.equal(JSON.parse(text(`conversations/${c.id}.json`)).messages[0].content, SECRET_TEXT);
        assert.equal(text('usage.jsonl').trim().split('\n').map((l) => JSON.parse(l)).length, mine.usage.length);
        assert.ok(text('audit.jsonl').trim().split('\n').map((l) => JSON.parse(l)).some((a) => a.target === w.ana.id));
        assert.equal((await as(w.gw, w.olga, `/api/users/${w.ana.id}/data-export?format=zip`)).headers.get('content-type'), 'application/zip');
        await fails(as(w.gw, w.ana, '/api/me/data-export?format=tar'), 400, 'invalid_parameter', 'format');
        await fails(as(w.gw, w.ben, `/api/users/${w.ana.id}/data-export?format=zip`), 403, 'permission_denied');

        // Nobody else: a member neither exports nor erases another user.
        await fails(as(w.gw, w.ben, `/api/users/${w.ana.id}/data-export`), 403, 'permission_denied');
        await fails(as(w.gw, w.ben, `/api/users/${w.ana.id}/erasure`, { body: { confirm: w.ana.id } }), 403, 'permission_denied');
        // Bad input: OpenAI-shaped 4xx, nothing erased.
        await fails(as(w.gw, w.olga, `/api/users/${w.ana.id}/erasure`, { body: { confirm: 'someone-else' } }), 400, 'invalid_parameter', 'confirm');
        await fails(as(w.gw, w.olga, `/api/users/${w.ana.id}/erasure`, { body: {} }), 400, 'invalid_parameter', 'confirm');
        await fails(as(w.gw, w.olga, `/api/users/${w.ana.id}/erasure`, { body: { confirm: w.ana.id, extra: 1 } }), 400, 'invalid_parameter');
        await fails(as(w.gw, w.olga, '/api/users/usr_nobody/erasure', { body: { confirm: 'usr_nobody' } }), 404, 'user_not_found');
        await fails(as(w.gw, w.ana, '/api/me/erasure', { body: { confirm: w.ana.id } }), 403, 'session_required');
        // A person erases themselves (with a session): the record names only the pseudonym.
        const pia = await w.person({ teamRole: 'member' });
        const piaSession = await w.signIn(pia);
        const selfErased = await ok(withSession(w.gw, piaSession, '/api/me/erasure', { method: 'POST', body: { confirm: pia.id } }));
        const selfRecord = await w.gw.tg.store.db.selectFrom('audit_events').selectAll().where('action', '=', 'privacy.erased').where('target', '=', selfErased.pseudonym).executeTakeFirstOrThrow();
        assert.equal(selfRecord.actor, selfErased.pseudonym);
        assert.equal((await ok(as(w.gw, w.ana, '/api/me/data-export'))).conversations.length, 1, 'nothing was erased by the refused requests');

        const totalsBefore = (await ok(as(w.gw, w.olga, '/api/usage'))).totals;
        await linkPending(w.gw.tg.store);

        const report = await ok(as(w.gw, w.olga, `/api/users/${w.ana.id}/erasure`, { body: { confirm: w.ana.id } }));
        assert.equal(report.object, 'erasure');
        assert.equal(report.data_key_destroyed, true);
        assert.equal(report.conversations_deleted, 1);
        assert.ok(report.usage_rows_pseudonymized >= 1);
        assert.ok(report.audit_records_redacted >= 1);

        // Her text is unrecoverable from the store; her key no longer works; totals are unchanged.
        const bytes = await storeBytes(w.store);
        for (const plain of ['Okapiwombat5512', 'Lisbon', 'Narwhal8810', w.ana.email]) assert.ok(!bytes.includes(plain), `the store still holds '${plain}'`);
        await fails(as(w.gw, w.ana, '/api/conversations'), 401, 'revoked_api_key');
        assert.deepEqual((await ok(as(w.gw, w.olga, '/api/usage'))).totals, totalsBefore);
        const audit = await w.gw.tg.store.db.selectFrom('audit_events').selectAll().execute();
        assert.deepEqual(audit.filter((a) => JSON.stringify(a).includes(w.ana.id)), [], 'no audit record names her');
        assert.ok(audit.some((a) => a.action === 'privacy.erased' && a.target === report.pseudonym && a.actor === w.olga.id));
        assert.ok(audit.some((a) => a.action === 'privacy.exported'));
        // Her stripped account does not name the pseudonym: the users list cannot say whose rows they were.
        const account = await w.gw.tg.store.db.selectFrom('users').select(['email', 'name']).where('id', '=', w.ana.id).executeTakeFirstOrThrow();
        assert.ok(account.email.endsWith('@erased.invalid') && !account.email.includes(report.pseudonym), account.email);
        // Nor do her (revoked) keys, which her pseudonymized ledger rows still name.
        assert.deepEqual(await w.gw.tg.store.db.selectFrom('api_keys').select('id').where('user_id', '=', w.ana.id).execute(), [], 'no key names her');

        // tollgate audit verify passes: the redactions are recorded, the chain is intact.
        await linkPending(w.gw.tg.store);
        const { exitCode, printed } = await runAuditVerify(w.store);
        assert.equal(exitCode, 0, printed);
        assert.match(printed, /audit chain intact/);
        // Ben is untouched.
        assert.equal((await ok(as(w.gw, w.ben, '/api/me/data-export'))).conversations.length, 1);
      } finally {
        await w.close();
      }
    });
  });
}
