import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { rotateMasterCommand } from '../../src/cli/rotate-master-command.ts';
import { loadConfig } from '../../src/config/index.ts';
import { nextTotpCode, signIn, withSession } from '../access/auth/support.ts';
import { storeKinds } from '../support/stores.ts';
import { as, newConversation, ok, startWorkspace, turn } from '../workspace/support.ts';
import { newMasterKeyText, storeBytes } from './support.ts';
import { startGateway } from '../support/gateway.ts';

const MESSAGE = 'Zebraquokka7731 merger with Initech closes on Friday';
const SSO_SECRET = 'sso-client-secret-Pelican4419';

for (const kind of storeKinds()) {
  describe(`encryption at rest (${kind.name})`, () => {
    test('the store holds no plaintext of a message, a TOTP secret or an SSO client secret; after keys rotate-master everything still reads', async () => {
      const oldKey = newMasterKeyText();
      const env = { TOLLGATE_MASTER_KEY: oldKey, TOLLGATE_PUBLIC_URL: 'http://127.0.0.1:9' };
      const w = await startWorkspace(kind, env);
      try {
        const c = await newConversation(w.gw, w.ana, { title: 'Board notes' });
        const t = await turn(w.gw, w.ana, c.id, { parent_id: null, content: MESSAGE });
        assert.equal(t.created.content, MESSAGE);
        const s = await w.signIn(w.ana);
        const enrol = (await (await withSession(w.gw, s, '/api/me/2fa', { method: 'POST' })).json()) as { secret: string };
        const confirm = await withSession(w.gw, s, '/api/me/2fa/confirm', { method: 'POST', body: { code: await nextTotpCode(w.gw, w.ana.id, enrol.secret) } });
        assert.equal(confirm.status, 200, await confirm.clone().text());
        await ok(as(w.gw, w.olga, `/api/orgs/${w.gw.tg.home.org.id}/sso`, { method: 'PUT', body: { issuer: 'https://idp.example.com', client_id: 'tollgate', client_secret: SSO_SECRET } }));

        const ready = await ok(w.gw.call('/ready', { key: null }));
        assert.equal(ready.encryption.status, 'on');
        assert.equal(ready.encryption.key_source, 'env');

        const bytes = await storeBytes(w.store);
        for (const plain of ['Zebraquokka7731', 'Initech', enrol.secret, SSO_SECRET]) assert.ok(!bytes.includes(plain), `the store holds '${plain}' in plaintext`);

        // Search still finds the message (decrypted in memory for the person; nobody else).
        const hits = await ok(as(w.gw, w.ana, '/api/conversations/search?q=zebraquok'));
        assert.equal(hits.data.length, 1);
        assert.equal(hits.data[0].message_id, t.created.id);
        assert.match(hits.data[0].snippet, /Zebraquokka7731/);
        assert.equal((await ok(as(w.gw, w.ben, '/api/conversations/search?q=zebraquok'))).data.length, 0);

        // tollgate keys rotate-master (with the server stopped), then a restart on the new key only.
        const newKeyFile = join(mkdtempSync(join(tmpdir(), 'tollgate-newkey-')), 'master.key');
        const out: string[] = [];
        await w.restart({ TOLLGATE_PUBLIC_URL: env.TOLLGATE_PUBLIC_URL, TOLLGATE_MASTER_KEY_FILE: newKeyFile }, async () => {
          const config = loadConfig({ TOLLGATE_DATA_DIR: w.store.dataDir, TOLLGATE_MASTER_KEY: oldKey, ...(w.store.databaseUrl ? { DATABASE_URL: w.store.databaseUrl } : {}) }, { findFile: false });
          await rotateMasterCommand(config, ['--new-key-file', newKeyFile], { write: (s: string | Uint8Array) => out.push(String(s)) > 0 });
        });
        assert.match(out.join(''), /re-wrapped [1-9]\d* data keys/);
        assert.equal(statSync(newKeyFile).mode & 0o777, 0o600);
        assert.equal((await ok(w.gw.call('/ready', { key: null }))).encryption.key_source, 'file');
        const messages = await ok(as(w.gw, w.ana, `/api/conversations/${c.id}/messages`));
        assert.equal(messages.data[0].content, MESSAGE);
        const again = await signIn(w.gw, w.ana.email, w.ana.password, { totp_code: await nextTotpCode(w.gw, w.ana.id, enrol.secret) });
        assert.ok(again.cookie, 'sign-in with a TOTP code after rotation');
        assert.equal((await ok(as(w.gw, w.ana, '/api/conversations/search?q=initech'))).data.length, 1);
      } finally {
        await w.close();
      }
    });

    test('conversation titles are sealed too (set by the person, renamed, generated); the list search, a share link and the data export still read them; a plaintext title from before is sealed at start', async () => {
      const env = { TOLLGATE_MASTER_KEY: newMasterKeyText(), TOLLGATE_PUBLIC_URL: 'http://127.0.0.1:9' };
      const w = await startWorkspace(kind, env);
      try {
        const named = await newConversation(w.gw, w.ana, { title: 'Okapiwharf5120 acquisition' });
        await ok(as(w.gw, w.ana, `/api/conversations/${named.id}`, { method: 'PATCH', body: { title: 'Okapiwharf5120 acquisition, renamed Tarnvale' } }));
        const untitled = await newConversation(w.gw, w.ana);
        await turn(w.gw, w.ana, untitled.id, { parent_id: null, content: 'Name this one for me' });
        const generated = (await ok(as(w.gw, w.ana, `/api/conversations/${untitled.id}`))).title as string;
        assert.notEqual(generated, 'New conversation', 'the first exchange named it');

        const bytes = await storeBytes(w.store);
        for (const plain of ['Okapiwharf5120', 'Tarnvale', generated]) assert.ok(!bytes.includes(plain), `the store holds the title '${plain}' in plaintext`);

        const listed = await ok(as(w.gw, w.ana, '/api/conversations?q=okapiwharf'));
        assert.deepEqual(listed.data.map((c: { title: string }) => c.title), ['Okapiwharf5120 acquisition, renamed Tarnvale']);
        assert.equal((await ok(as(w.gw, w.ana, '/api/conversations?q=no-such-title'))).data.length, 0);
        assert.equal((await ok(as(w.gw, w.ben, '/api/conversations?q=okapiwharf'))).data.length, 0, "nobody else's titles");
        assert.equal((await ok(as(w.gw, w.ana, '/api/conversations/search?q=tarnvale'))).data[0]?.title, 'Okapiwharf5120 acquisition, renamed Tarnvale');

        const share = await ok(as(w.gw, w.ana, `/api/conversations/${untitled.id}/shares`, { body: {} }), 201);
        assert.equal((await ok(w.gw.call(`/api/shared/${share.token}`, { key: null }))).title, generated);
        const exported = await ok(as(w.gw, w.ana, '/api/me/data-export'));
        assert.ok(JSON.stringify(exported).includes('Okapiwharf5120 acquisition, renamed Tarnvale'), 'the export holds the title in plaintext for its owner');

        // A title written in plaintext (before encryption was on) is sealed at the next start.
        await w.store.store.db.updateTable('conversations').set({ title: 'Plainwren8841 legacy' }).where('id', '=', named.id).execute();
        await w.restart(env);
        const row = await w.store.store.db.selectFrom('conversations').select('title').where('id', '=', named.id).executeTakeFirstOrThrow();
        assert.match(row.title, /^tge1\./, 'sealed at start');
        assert.equal((await ok(as(w.gw, w.ana, `/api/conversations/${named.id}`))).title, 'Plainwren8841 legacy');
      } finally {
        await w.close();
      }
    });

    test('template texts are sealed (a personal one under its owner\'s key, a team one under the organization\'s); the API and the data export read them; a plaintext one from before is sealed at start', async () => {
      const env = { TOLLGATE_MASTER_KEY: newMasterKeyText(), TOLLGATE_PUBLIC_URL: 'http://127.0.0.1:9' };
      const w = await startWorkspace(kind, env);
      try {
        const personal = await ok(as(w.gw, w.ana, '/api/templates', { body: { name: 'Mine', category: 'business', content: 'Draft a note about Gryphonmoss3307 for {{who}}', variables: [{ name: 'who', type: 'text' }] } }), 201);
        const team = await ok(as(w.gw, w.olga, '/api/templates', { body: { name: 'Team', category: 'business', content: 'Summarize the Lanternfjord6650 review', variables: [], scope: 'team', team_id: w.gw.tg.home.defaultTeam.id } }), 201);
        const bytes = await storeBytes(w.store);
        for (const plain of ['Gryphonmoss3307', 'Lanternfjord6650']) assert.ok(!bytes.includes(plain), `the store holds the template text '${plain}' in plaintext`);
        assert.equal((await ok(as(w.gw, w.ana, `/api/templates/${personal.id}`))).content, 'Draft a note about Gryphonmoss3307 for {{who}}');
        assert.equal((await ok(as(w.gw, w.ana, `/api/templates/${team.id}`))).content, 'Summarize the Lanternfjord6650 review', 'a team member reads the team template');
        assert.ok((await ok(as(w.gw, w.ana, '/api/templates'))).data.some((t: { content: string }) => t.content === 'Summarize the Lanternfjord6650 review'));
        assert.ok(JSON.stringify(await ok(as(w.gw, w.ana, '/api/me/data-export'))).includes('Gryphonmoss3307'));

        await w.store.store.db.updateTable('templates').set({ content: 'Plainheron2290 legacy prompt' }).where('id', '=', team.id).execute();
        await w.restart(env);
        const row = await w.store.store.db.selectFrom('templates').select('content').where('id', '=', team.id).executeTakeFirstOrThrow();
        assert.match(row.content, /^tge1\./, 'sealed at start');
        assert.equal((await ok(as(w.gw, w.ana, `/api/templates/${team.id}`))).content, 'Plainheron2290 legacy prompt');
      } finally {
        await w.close();
      }
    });

    test('without a master key: SQLite generates <data dir>/master.key (0600) and encrypts; PostgreSQL runs in plaintext and says so in /ready and the log', async () => {
      const ts = await kind.create();
      const gw = await startGateway({ store: ts });
      try {
        const ready = await ok(gw.call('/ready', { key: null }));
        if (kind.name === 'sqlite') {
          assert.deepEqual(ready.encryption, { status: 'on', key_source: 'data_dir' });
          assert.equal(statSync(join(ts.dataDir, 'master.key')).mode & 0o777, 0o600);
        } else {
          assert.equal(ready.encryption.status, 'off');
          assert.match(ready.encryption.reason, /TOLLGATE_MASTER_KEY/);
          assert.ok(gw.logs.some((l) => l.includes('ENCRYPTION AT REST IS OFF')));
        }
      } finally {
        await gw.close();
        await ts.dispose();
      }
    });
  });
}
