import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { changeRecord } from '../../src/access/change-record.ts';
import { linkPending, loadSigningKey } from '../../src/compliance/audit/index.ts';
import { Envelope, keyRing, loadMasterKey } from '../../src/compliance/crypto/index.ts';
import { storeKinds, type TestStore } from '../helpers/stores.ts';

const BIN = join(import.meta.dirname, '../../bin/tollgate.js');

function tollgate(t: TestStore, args: string[], extra: NodeJS.ProcessEnv = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, TOLLGATE_DATA_DIR: t.dataDir, TOLLGATE_LOG_LEVEL: 'silent', ...extra };
  for (const k of ['DATABASE_URL', 'TOLLGATE_MASTER_KEY', 'TOLLGATE_MASTER_KEY_FILE', 'TOLLGATE_AUDIT_SIGNING_KEY_FILE', 'TOLLGATE_NEW_MASTER_KEY']) if (!(k in extra)) delete env[k];
  if (t.databaseUrl) env.DATABASE_URL = t.databaseUrl;
  return spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 60_000 });
}

for (const kind of storeKinds()) {
  describe(`tollgate audit verify (${kind.name})`, () => {
    test('says the chain is intact, then names the first broken record (exit 1) after one is edited', async () => {
      const t = await kind.create();
      try {
        const signer = loadSigningKey({ dataDir: t.dataDir, create: true })!;
        for (let i = 0; i < 8; i++) {
          await t.store.db.insertInto('audit_events').values(changeRecord({ actorId: 'usr_1', orgId: 'org_a' }, { action: 'team.renamed', target: `team_${i}`, before: null, after: { i } }, 1_000 + i)).execute();
        }
        await linkPending(t.store, { signer, forceCheckpoint: true });
        const ok = tollgate(t, ['audit', 'verify']);
        assert.equal(ok.status, 0, ok.stderr + ok.stdout);
        assert.match(ok.stdout, /audit chain intact: 8 records \(seq 1–8\), 1 of 1 checkpoints verified/);

        const victim = await t.store.db.selectFrom('audit_events').select('id').where('seq', '=', 5).executeTakeFirstOrThrow();
        await t.store.db.updateTable('audit_events').set({ details: '{"edited":true}' }).where('id', '=', victim.id).execute();
        const broken = tollgate(t, ['audit', 'verify']);
        assert.equal(broken.status, 1, broken.stderr + broken.stdout);
        assert.match(broken.stdout, new RegExp(`audit chain BROKEN[\\s\\S]*first broken: ${victim.id} at seq 5: record ${victim.id} \\(seq 5\\) was altered`));

        // Elsewhere, without the private key: the public key alone verifies the checkpoints.
        const pub = tollgate(t, ['audit', 'public-key']);
        assert.match(pub.stdout, new RegExp(`# key id ${signer.keyId}\\n-----BEGIN PUBLIC KEY-----`));
      } finally {
        await t.dispose();
      }
    });
  });

  describe(`tollgate keys rotate-master (${kind.name})`, () => {
    test('re-wraps the data keys under the new key file; what was encrypted stays readable with the new key', async () => {
      const t = await kind.create();
      try {
        const old = loadMasterKey({ dataDir: t.dataDir, create: true })!;
        const ct = await new Envelope(t.store, keyRing(old)).encrypt('org_a', 'kept across rotation', 'x');
        const next = join(t.dataDir, 'next.key');
        const r = tollgate(t, ['keys', 'rotate-master', '--new-key-file', next]);
        assert.equal(r.status, 0, r.stderr + r.stdout);
        assert.match(r.stdout, /re-wrapped 1 data keys under master key [0-9a-f]{16}/);
        const fresh = loadMasterKey({ dataDir: t.dataDir, keyFile: next })!;
        assert.equal(await new Envelope(t.store, keyRing(fresh)).decryptText('org_a', ct, 'x'), 'kept across rotation');
        const none = tollgate(t, ['keys', 'rotate-master']);
        assert.equal(none.status, 2);
        assert.match(none.stderr, /needs --new-key-file/);
      } finally {
        await t.dispose();
      }
    });
  });
}
