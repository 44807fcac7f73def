import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { changeRecord } from '../../src/access/change-record.ts';
import { auditCommand } from '../../src/cli/audit-command.ts';
import { rotateMasterCommand } from '../../src/cli/rotate-master-command.ts';
import { linkPending, loadSigningKey } from '../../src/compliance/audit/index.ts';
import { Envelope, keyRing, loadMasterKey } from '../../src/compliance/crypto/index.ts';
import { loadConfig } from '../../src/config/index.ts';
import { storeKinds, type TestStore } from '../support/stores.ts';

const BIN = join(import.meta.dirname, '../../bin/tollgate.js');

const envFor = (t: TestStore): NodeJS.ProcessEnv => ({ TOLLGATE_DATA_DIR: t.dataDir, TOLLGATE_LOG_LEVEL: 'silent', ...(t.databaseUrl ? { DATABASE_URL: t.databaseUrl } : {}) });

/** Runs a command in this process (spawning costs seconds on a busy machine), collecting what it prints. */
async function inProcess(run: (out: { write(s: string): boolean }) => Promise<void>): Promise<{ stdout: string; exitCode: number }> {
  let stdout = '';
  const before = process.exitCode;
  await run({ write: (s: string) => ((stdout += s), true) });
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = before;
  return { stdout, exitCode };
}

for (const kind of storeKinds()) {
  describe(`tollgate audit verify (${kind.name})`, () => {
    test('says the chain is intact; after a record is edited the command exits 1 and names the first broken record', async () => {
      const t = await kind.create();
      try {
        const signer = loadSigningKey({ dataDir: t.dataDir, create: true })!;
        for (let i = 0; i < 8; i++) {
          await t.store.db.insertInto('audit_events').values(changeRecord({ actorId: 'usr_1', orgId: 'org_a' }, { action: 'team.renamed', target: `team_${i}`, before: null, after: { i } }, 1_000 + i)).execute();
        }
        await linkPending(t.store, { signer, forceCheckpoint: true });
        const config = loadConfig(envFor(t));
        const ok = await inProcess((out) => auditCommand(config, ['verify'], out));
        assert.equal(ok.exitCode, 0, ok.stdout);
        assert.match(ok.stdout, /audit chain intact: 8 records \(seq 1–8\), 1 of 1 checkpoints verified/);
        const pub = await inProcess((out) => auditCommand(config, ['public-key'], out));
        assert.match(pub.stdout, new RegExp(`# key id ${signer.keyId}\\n-----BEGIN PUBLIC KEY-----`));

        const victim = await t.store.db.selectFrom('audit_events').select('id').where('seq', '=', 5).executeTakeFirstOrThrow();
        await t.store.db.updateTable('audit_events').set({ details: '{"edited":true}' }).where('id', '=', victim.id).execute();
        // The real command, as an operator runs it.
        const env = { ...process.env, ...envFor(t) };
        for (const k of ['TOLLGATE_MASTER_KEY', 'TOLLGATE_MASTER_KEY_FILE', 'TOLLGATE_AUDIT_SIGNING_KEY_FILE']) delete env[k];
        if (!t.databaseUrl) delete env.DATABASE_URL;
        const broken = spawnSync(process.execPath, [BIN, 'audit', 'verify'], { env, encoding: 'utf8', timeout: 60_000 });
        assert.equal(broken.status, 1, broken.stderr + broken.stdout);
        assert.match(broken.stdout, new RegExp(`audit chain BROKEN[\\s\\S]*first broken: ${victim.id} at seq 5: record ${victim.id} \\(seq 5\\) was altered`));
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
        const r = await inProcess((out) => rotateMasterCommand(loadConfig(envFor(t)), ['--new-key-file', next], out));
        assert.match(r.stdout, /re-wrapped 1 data keys under master key [0-9a-f]{16}/);
        const fresh = loadMasterKey({ dataDir: t.dataDir, keyFile: next })!;
        assert.notEqual(fresh.id, old.id);
        assert.equal(await new Envelope(t.store, keyRing(fresh)).decryptText('org_a', ct, 'x'), 'kept across rotation');
      } finally {
        await t.dispose();
      }
    });
  });
}
