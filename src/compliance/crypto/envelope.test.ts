import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { storeKinds } from '../../../test/support/stores.ts';
import { DataKeyDestroyedError, DecryptionError, Envelope, KeyFileError, UnknownMasterKeyError, keyRing, loadMasterKey, masterKey, rotateMasterKey } from './index.ts';

const newMaster = () => masterKey(randomBytes(32));

/** Flips one bit of the sealed body of a `tge1.<id>.<body>` ciphertext. */
function tampered(ct: string): string {
  const [v, id, body] = ct.split('.') as [string, string, string];
  const bytes = Buffer.from(body, 'base64url');
  bytes[14]! ^= 0x01;
  return `${v}.${id}.${bytes.toString('base64url')}`;
}

for (const kind of storeKinds()) {
  describe(`envelope encryption (${kind.name})`, () => {
    test('round trip under the organization key; the stored form is versioned and names its data key', async () => {
      const t = await kind.create();
      try {
        const env = new Envelope(t.store, keyRing(newMaster()));
        const ct = await env.encrypt('org_a', 'the quarterly numbers are 42', 'messages/msg_1');
        assert.match(ct, /^tge1\.dk_[0-9a-f]{24}\.[A-Za-z0-9_-]+$/);
        assert.ok(!ct.includes('quarterly'));
        assert.equal(await env.decryptText('org_a', ct, 'messages/msg_1'), 'the quarterly numbers are 42');
        const again = await env.encrypt('org_a', 'the quarterly numbers are 42', 'messages/msg_1');
        assert.notEqual(again, ct, 'a fresh nonce every time');
        assert.equal((await t.store.db.selectFrom('data_keys').select('id').execute()).length, 1, 'one data key per organization');
      } finally {
        await t.dispose();
      }
    });

    test('a wrong master key, tampered ciphertext, wrong associated data or another organization never decrypt', async () => {
      const t = await kind.create();
      try {
        const master = newMaster();
        const env = new Envelope(t.store, keyRing(master));
        const ct = await env.encrypt('org_a', 'totp-secret-JBSWY3DPEHPK3PXP', 'users/usr_1/totp');
        await env.encrypt('org_b', 'other org', 'x');
        await assert.rejects(env.decrypt('org_a', tampered(ct), 'users/usr_1/totp'), DecryptionError);
        await assert.rejects(env.decrypt('org_a', ct, 'users/usr_2/totp'), DecryptionError, 'moved to another row');
        await assert.rejects(env.decrypt('org_b', ct, 'users/usr_1/totp'), DecryptionError, "read as another organization's");
        await assert.rejects(env.decrypt('org_a', ct.replace('tge1.', 'tge9.'), 'users/usr_1/totp'), DecryptionError);
        await assert.rejects(env.decrypt('org_a', 'not a ciphertext', 'users/usr_1/totp'), DecryptionError);
        await assert.rejects(new Envelope(t.store, keyRing(newMaster())).decrypt('org_a', ct, 'users/usr_1/totp'), UnknownMasterKeyError, 'another master key');

        // A wrapped data key copied onto another organization's row does not open there.
        const rows = await t.store.db.selectFrom('data_keys').selectAll().orderBy('org_id').execute();
        await t.store.db.updateTable('data_keys').set({ wrapped: rows[0]!.wrapped }).where('id', '=', rows[1]!.id).execute();
        await assert.rejects(new Envelope(t.store, keyRing(master)).encrypt('org_b', 'x', 'x'), DecryptionError);
      } finally {
        await t.dispose();
      }
    });

    test('rotating the master key re-wraps data keys without touching content: everything stays readable with the new key alone', async () => {
      const t = await kind.create();
      try {
        const oldMaster = newMaster();
        const env = new Envelope(t.store, keyRing(oldMaster));
        const stored = [
          ['org_a', await env.encrypt('org_a', 'alpha', 'a')],
          ['org_b', await env.encrypt('org_b', 'beta', 'b')],
          ['org_a', await env.encrypt('org_a', 'gamma (user)', 'c', { userId: 'usr_1' })],
        ] as const;
        const before = await t.store.db.selectFrom('data_keys').select(['id', 'wrapped']).orderBy('id').execute();
        const next = newMaster();
        assert.deepEqual(await rotateMasterKey(t.store, keyRing(oldMaster), next), { rewrapped: 3, unchanged: 0 });
        const after = await t.store.db.selectFrom('data_keys').select(['id', 'wrapped', 'master_key_id']).orderBy('id').execute();
        assert.deepEqual(after.map((r) => r.id), before.map((r) => r.id), 'same data keys');
        assert.ok(after.every((r, i) => r.wrapped !== before[i]!.wrapped && r.master_key_id === next.id));
        const fresh = new Envelope(t.store, keyRing(next));
        assert.equal(await fresh.decryptText('org_a', stored[0][1], 'a'), 'alpha');
        assert.equal(await fresh.decryptText('org_b', stored[1][1], 'b'), 'beta');
        assert.equal(await fresh.decryptText('org_a', stored[2][1], 'c'), 'gamma (user)');
        await assert.rejects(new Envelope(t.store, keyRing(oldMaster)).decrypt('org_a', stored[0][1], 'a'), UnknownMasterKeyError, 'the old key alone no longer opens them');
        assert.deepEqual(await rotateMasterKey(t.store, keyRing(next), next), { rewrapped: 0, unchanged: 3 }, 'running it twice is harmless');
        await assert.rejects(rotateMasterKey(t.store, keyRing(newMaster()), newMaster()), UnknownMasterKeyError, 'without the current key nothing changes');
        assert.equal((await t.store.db.selectFrom('data_keys').select('master_key_id').where('master_key_id', '=', next.id).execute()).length, 3);
      } finally {
        await t.dispose();
      }
    });

    test("crypto-shredding a user's key erases exactly that user's content", async () => {
      const t = await kind.create();
      try {
        const master = newMaster();
        const env = new Envelope(t.store, keyRing(master));
        const mine = await env.encrypt('org_a', 'my diary', 'm1', { userId: 'usr_1' });
        const theirs = await env.encrypt('org_a', 'their diary', 'm2', { userId: 'usr_2' });
        const org = await env.encrypt('org_a', 'org notes', 'm3');
        assert.equal(await env.destroyUserKey('usr_1'), true);
        await assert.rejects(env.decrypt('org_a', mine, 'm1'), DataKeyDestroyedError);
        await assert.rejects(new Envelope(t.store, keyRing(master)).decrypt('org_a', mine, 'm1'), DataKeyDestroyedError);
        const row = await t.store.db.selectFrom('data_keys').selectAll().where('owner', '=', 'user:usr_1').executeTakeFirstOrThrow();
        assert.equal(row.wrapped, null, 'nothing left to unwrap');
        assert.equal(await env.decryptText('org_a', theirs, 'm2'), 'their diary');
        assert.equal(await env.decryptText('org_a', org, 'm3'), 'org notes');
        assert.equal(await env.destroyUserKey('usr_1'), false);
        const renewed = await env.encrypt('org_a', 'after erasure', 'm4', { userId: 'usr_1' });
        assert.equal(await env.decryptText('org_a', renewed, 'm4'), 'after erasure', 'a new key for new content');
      } finally {
        await t.dispose();
      }
    });

    test('instances creating the same organization key at once end up with one key', async () => {
      const t = await kind.create();
      try {
        const ring = keyRing(newMaster());
        const a = new Envelope(t.store, ring);
        const b = new Envelope(t.store, ring);
        const cts = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).encrypt('org_new', `m${i}`, 'x')));
        assert.equal((await t.store.db.selectFrom('data_keys').select('id').execute()).length, 1);
        for (const [i, ct] of cts.entries()) assert.equal(await new Envelope(t.store, ring).decryptText('org_new', ct, 'x'), `m${i}`);
      } finally {
        await t.dispose();
      }
    });
  });
}

describe('encryption at rest: without the master key the stored rows reveal no plaintext', () => {
  test('the SQLite file and its log hold neither the message nor the data key', async () => {
    const [sqlite] = storeKinds();
    const t = await sqlite!.create();
    try {
      const env = new Envelope(t.store, keyRing(loadMasterKey({ dataDir: t.dataDir, create: true })!));
      const message = 'Project Nightingale launches on the 14th of March';
      const ct = await env.encrypt('org_a', message, 'messages/msg_1');
      await t.store.db.insertInto('admin_alerts').values({ id: 'alt_1', kind: 'carrier', subject: 'msg_1', details: ct, created_at: 0 }).execute();
      const dbFile = join(t.dataDir, 'tollgate.db');
      const bytes = () => Buffer.concat([readFileSync(dbFile), ...['-wal'].map((s) => { try { return readFileSync(dbFile + s); } catch { return Buffer.alloc(0); } })]);
      assert.ok(bytes().includes(Buffer.from(ct)), 'the ciphertext is in the file (the probe works)');
      assert.ok(!bytes().includes(Buffer.from(message)), 'the plaintext is not');
      assert.ok(!bytes().includes(Buffer.from('Nightingale')));
      // The data key is only there wrapped: the raw key bytes appear nowhere.
      const row = await t.store.db.selectFrom('data_keys').selectAll().executeTakeFirstOrThrow();
      assert.match(row.wrapped!, /^tgw1\./);
    } finally {
      await t.dispose();
    }
  });
});

describe('master key files', () => {
  test('a created key file is 0600 and loads again; a group-readable one is refused; a bad key is explained', async () => {
    const [sqlite] = storeKinds();
    const t = await sqlite!.create();
    try {
      assert.equal(loadMasterKey({ dataDir: t.dataDir }), undefined, 'none and none created');
      const k1 = loadMasterKey({ dataDir: t.dataDir, create: true })!;
      const path = join(t.dataDir, 'master.key');
      assert.equal(statSync(path).mode & 0o777, 0o600);
      assert.equal(loadMasterKey({ dataDir: t.dataDir, create: true })!.id, k1.id, 'the same key next start');
      chmodSync(path, 0o644);
      assert.throws(() => loadMasterKey({ dataDir: t.dataDir }), (e: Error) => e instanceof KeyFileError && /chmod 600/.test(e.message));
      const bad = join(t.dataDir, 'bad.key');
      writeFileSync(bad, 'too-short', { mode: 0o600 });
      assert.throws(() => loadMasterKey({ dataDir: t.dataDir, keyFile: bad }), /32 random bytes in base64/);
      assert.throws(() => loadMasterKey({ dataDir: t.dataDir, keyFile: join(t.dataDir, 'missing.key') }), /does not exist/);
      const fromEnv = randomBytes(32).toString('base64');
      assert.equal(loadMasterKey({ dataDir: t.dataDir, keyText: fromEnv })!.id, masterKey(Buffer.from(fromEnv, 'base64')).id, 'the environment wins');
    } finally {
      await t.dispose();
    }
  });
});
