import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { join } from 'node:path';
import { changeRecord } from '../../access/index.ts';
import { openStore, type Store } from '../../state/index.ts';
import { storeKinds, type TestStore } from '../../../test/support/stores.ts';
import { fieldDigest, formatCheckpoint, linkPending, loadSigningKey, recordHash, signCheckpoint, verifyAuditChain, type AuditSigningKey, type ChainReport } from './index.ts';
import { hashedView } from './chain-linker.ts';
import { generateKeyPairSync } from 'node:crypto';

/** Writes `n` change records, each in its own transaction as the services do, `parallel` at a time. */
async function writeRecords(store: Store, n: number, from = 0, parallel = 1): Promise<void> {
  for (let i = 0; i < n; i += parallel) {
    await Promise.all(
      Array.from({ length: Math.min(parallel, n - i) }, (_, j) =>
        store.db.transaction().execute((trx) =>
          trx
            .insertInto('audit_events')
            .values(changeRecord({ actorId: `usr_${(from + i + j) % 7}`, orgId: 'org_a', requestId: `req_${from + i + j}`, ip: '10.0.0.1' }, { action: 'team.renamed', target: `team_${from + i + j}`, before: { name: 'a' }, after: { name: `b${from + i + j}` } }, 1_700_000_000_000 + from + i + j))
            .execute(),
        ),
      ),
    );
  }
}

const bySeq = (store: Store, seq: number) => store.db.selectFrom('audit_events').selectAll().where('seq', '=', seq).executeTakeFirstOrThrow();

for (const kind of storeKinds()) {
  describe(`tamper-evident audit chain (${kind.name})`, () => {
    let signer: AuditSigningKey;
    let keys: Map<string, AuditSigningKey['publicKey']>;
    const verify = (t: TestStore, extra: Parameters<typeof verifyAuditChain>[1]['expected'] = []) => verifyAuditChain(t.store, { publicKeys: keys, expected: extra });

    /** A store with 30 linked records and a signed checkpoint at 10, 20 and 30. */
    async function chain(): Promise<TestStore> {
      const t = await kind.create();
      signer = loadSigningKey({ dataDir: t.dataDir, create: true })!;
      keys = new Map([[signer.keyId, signer.publicKey]]);
      for (let i = 0; i < 3; i++) {
        await writeRecords(t.store, 10, i * 10);
        await linkPending(t.store, { signer, checkpointEvery: 10 });
      }
      const ok = await verify(t);
      assert.equal(ok.ok, true, JSON.stringify(ok.problems));
      assert.equal(ok.records, 30);
      assert.equal(ok.checkpoints.verified, 3);
      return t;
    }
    const expectBroken = (r: ChainReport, kindName: string, seq: number | null, recordId?: string) => {
      assert.equal(r.ok, false, 'the tampering is caught');
      assert.equal(r.firstBroken?.kind, kindName, JSON.stringify(r.problems));
      assert.equal(r.firstBroken?.seq, seq, JSON.stringify(r.problems));
      if (recordId !== undefined) assert.equal(r.firstBroken?.recordId, recordId);
    };

    test('records written in many concurrent transactions, linked by concurrent linkers, form one gapless chain that verifies', async () => {
      const t = await kind.create();
      try {
        const key = loadSigningKey({ dataDir: t.dataDir, create: true })!;
        const writing = writeRecords(t.store, 200, 0, 20);
        const linking = (async () => {
          for (let i = 0; i < 10; i++) {
            await Promise.all([linkPending(t.store, { signer: key, checkpointEvery: 50 }), linkPending(t.store, { signer: key, checkpointEvery: 50, batchSize: 7 })]);
          }
        })();
        await Promise.all([writing, linking]);
        await linkPending(t.store, { signer: key, forceCheckpoint: true });
        const report = await verifyAuditChain(t.store, { publicKeys: new Map([[key.keyId, key.publicKey]]) });
        assert.equal(report.ok, true, JSON.stringify(report.problems));
        assert.equal(report.records, 200);
        assert.deepEqual([report.first?.seq, report.last?.seq], [1, 200]);
        assert.equal(report.pending.count, 0);
        assert.ok(report.checkpoints.verified >= 1);
        assert.equal(report.checkpoints.latestSeq, 200, 'the head is checkpointed on demand');
      } finally {
        await t.dispose();
      }
    });

    test('an edited record is caught and named', async () => {
      const t = await chain();
      try {
        const r7 = await bySeq(t.store, 7);
        await t.store.db.updateTable('audit_events').set({ actor: 'usr_innocent' }).where('id', '=', r7.id).execute();
        expectBroken(await verify(t), 'altered', 7, r7.id);
      } finally {
        await t.dispose();
      }
    });

    test('an edited record whose hash was recomputed breaks the link to the next one, and the signed checkpoint', async () => {
      const t = await chain();
      try {
        const r7 = await bySeq(t.store, 7);
        const forged = { ...r7, after: '{"name":"forged"}' };
        await t.store.db.updateTable('audit_events').set({ after: forged.after, hash: recordHash(7, r7.prev_hash!, hashedView(forged)) }).where('id', '=', r7.id).execute();
        const r = await verify(t);
        const r8 = await bySeq(t.store, 8);
        expectBroken(r, 'broken_link', 8, r8.id);
      } finally {
        await t.dispose();
      }
    });

    test('a deleted record is caught', async () => {
      const t = await chain();
      try {
        const r12 = await bySeq(t.store, 12);
        await t.store.db.deleteFrom('audit_events').where('id', '=', r12.id).execute();
        const r = await verify(t);
        expectBroken(r, 'missing', 12, (await bySeq(t.store, 13)).id);
        assert.match(r.firstBroken!.message, /12–12 are missing/);
      } finally {
        await t.dispose();
      }
    });

    test('reordered records are caught', async () => {
      const t = await chain();
      try {
        const [a, b] = [await bySeq(t.store, 3), await bySeq(t.store, 4)];
        await t.store.db.updateTable('audit_events').set({ seq: -1 }).where('id', '=', a.id).execute();
        await t.store.db.updateTable('audit_events').set({ seq: 3 }).where('id', '=', b.id).execute();
        await t.store.db.updateTable('audit_events').set({ seq: 4 }).where('id', '=', a.id).execute();
        expectBroken(await verify(t), 'broken_link', 3, b.id);
      } finally {
        await t.dispose();
      }
    });

    test('a truncated chain (last records and the head row rolled back) is caught by the signed checkpoint', async () => {
      const t = await chain();
      try {
        await t.store.db.deleteFrom('audit_events').where('seq', '>', 25).execute();
        const last = await bySeq(t.store, 25);
        await t.store.db.updateTable('audit_chain_head').set({ seq: 25, hash: last.hash! }).execute();
        expectBroken(await verify(t), 'truncated', 30);
      } finally {
        await t.dispose();
      }
    });

    test('a truncation that also deletes the checkpoints is caught by a checkpoint kept outside (from the log)', async () => {
      const t = await chain();
      try {
        const kept = (await t.store.db.selectFrom('audit_checkpoints').selectAll().where('seq', '=', 30).executeTakeFirstOrThrow());
        const line = formatCheckpoint({ seq: 30, hash: kept.hash, at: Number(kept.at), keyId: kept.key_id, signature: kept.signature });
        await t.store.db.deleteFrom('audit_events').where('seq', '>', 25).execute();
        await t.store.db.deleteFrom('audit_checkpoints').where('seq', '>', 25).execute();
        const last = await bySeq(t.store, 25);
        await t.store.db.updateTable('audit_chain_head').set({ seq: 25, hash: last.hash! }).execute();
        assert.equal((await verify(t)).ok, true, 'the database alone cannot tell');
        const { parseCheckpoint } = await import('./checkpoint.ts');
        expectBroken(await verify(t, [parseCheckpoint(line)]), 'truncated', 30);
      } finally {
        await t.dispose();
      }
    });

    test('a record deleted and the chain rewritten after it is caught by the signed checkpoints; a checkpoint forged with another key too', async () => {
      const t = await chain();
      try {
        const r5 = await bySeq(t.store, 5);
        await t.store.db.deleteFrom('audit_events').where('id', '=', r5.id).execute();
        // The attacker relinks everything after the gap; the chain itself is consistent again.
        const rest = await t.store.db.selectFrom('audit_events').selectAll().where('seq', '>', 5).orderBy('seq').execute();
        await t.store.db.updateTable('audit_events').set({ seq: null }).where('seq', '>', 5).execute();
        let prev = (await bySeq(t.store, 4)).hash!;
        let seq = 4;
        for (const row of rest) {
          seq++;
          const hash = recordHash(seq, prev, hashedView(row));
          await t.store.db.updateTable('audit_events').set({ seq, prev_hash: prev, hash }).where('id', '=', row.id).execute();
          prev = hash;
        }
        await t.store.db.updateTable('audit_chain_head').set({ seq, hash: prev }).execute();
        const r = await verify(t);
        assert.equal(r.ok, false);
        assert.ok(r.problems.some((p) => p.kind === 'checkpoint_mismatch' && p.seq === 10));
        assert.ok(r.problems.some((p) => p.kind === 'truncated' && p.seq === 30));

        // Re-signing the checkpoints needs the signing key: one of the attacker's own is not trusted.
        const { privateKey, publicKey } = generateKeyPairSync('ed25519');
        const { signingKeyId } = await import('./signing-key.ts');
        const mallory = { privateKey, publicKey, keyId: signingKeyId(publicKey) };
        await t.store.db.deleteFrom('audit_checkpoints').execute();
        const cp = signCheckpoint(mallory, seq, prev, Date.now());
        await t.store.db.insertInto('audit_checkpoints').values({ seq, hash: prev, at: cp.at, key_id: cp.keyId, signature: cp.signature }).execute();
        expectBroken(await verify(t), 'unknown_key', seq);
      } finally {
        await t.dispose();
      }
    });

    test('a checkpoint whose signature was altered is caught', async () => {
      const t = await chain();
      try {
        const cp = await t.store.db.selectFrom('audit_checkpoints').selectAll().where('seq', '=', 20).executeTakeFirstOrThrow();
        const sig = Buffer.from(cp.signature, 'base64');
        sig[0]! ^= 1;
        await t.store.db.updateTable('audit_checkpoints').set({ signature: sig.toString('base64') }).where('seq', '=', 20).execute();
        expectBroken(await verify(t), 'bad_signature', 20);
      } finally {
        await t.dispose();
      }
    });

    test('a restart (a new connection, a new linker) continues the same chain', async () => {
      const t = await chain();
      try {
        const again = t.databaseUrl ? openStore({ databaseUrl: t.databaseUrl }) : openStore({ sqlitePath: join(t.dataDir, 'tollgate.db') });
        try {
          const key = loadSigningKey({ dataDir: t.dataDir })!;
          assert.equal(key.keyId, signer.keyId, 'the key file is read back, not replaced');
          await writeRecords(again, 15, 100);
          const r = await linkPending(again, { signer: key, checkpointEvery: 10 });
          assert.equal(r.linked, 15);
          assert.equal(r.head.seq, 45);
        } finally {
          await again.close();
        }
        const report = await verify(t);
        assert.equal(report.ok, true, JSON.stringify(report.problems));
        assert.equal(report.records, 45);
      } finally {
        await t.dispose();
      }
    });

    test('a recorded redaction (value removed, its digest kept) still verifies; a wrong digest does not', async () => {
      const t = await chain();
      try {
        const r9 = await bySeq(t.store, 9);
        const digest = fieldDigest('after', r9.after).toString('hex');
        await t.store.db.updateTable('audit_events').set({ after: null, redactions: JSON.stringify({ after: digest }) }).where('id', '=', r9.id).execute();
        assert.equal((await verify(t)).ok, true);
        await t.store.db.updateTable('audit_events').set({ redactions: JSON.stringify({ after: fieldDigest('after', 'other').toString('hex') }) }).where('id', '=', r9.id).execute();
        expectBroken(await verify(t), 'altered', 9, r9.id);
        await t.store.db.updateTable('audit_events').set({ redactions: JSON.stringify({ action: digest }) }).where('id', '=', r9.id).execute();
        expectBroken(await verify(t), 'altered', 9, r9.id);
      } finally {
        await t.dispose();
      }
    });

    test('a chain cut at a signed checkpoint (retention) verifies; cut elsewhere it does not', async () => {
      const t = await chain();
      try {
        await t.store.db.deleteFrom('audit_events').where('seq', '<=', 10).execute();
        const ok = await verify(t);
        assert.equal(ok.ok, true, JSON.stringify(ok.problems));
        assert.equal(ok.first?.seq, 11);
        await t.store.db.deleteFrom('audit_events').where('seq', '<=', 13).execute();
        expectBroken(await verify(t), 'bad_start', 14);
      } finally {
        await t.dispose();
      }
    });
  });
}

describe('the record hash follows the documented encoding (docs/compliance.md)', () => {
  test('an independent implementation of the encoding gives the same hash, and a known vector stays fixed', async () => {
    const { createHash } = await import('node:crypto');
    const lp = (b: Buffer) => {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(b.length);
      return Buffer.concat([len, b]);
    };
    const field = (name: string, v: string | number | null) =>
      createHash('sha256')
        .update(Buffer.concat([Buffer.from('tollgate:audit-field:v1\0'), lp(Buffer.from(name)), v === null ? Buffer.from('N') : Buffer.concat([Buffer.from(typeof v === 'number' ? 'I' : 'T'), lp(Buffer.from(String(v)))])]))
        .digest();
    const row = { id: 'aud_0123456789abcdef01234567', at: 1700000000000, org_id: 'org_abc', actor: 'usr_1', action: 'key.updated', target: 'key_1', before: '{"name":"a"}', after: '{"name":"b"}', details: '{}', request_id: null, ip: '10.0.0.1' };
    const seq = Buffer.alloc(8);
    seq.writeBigUInt64BE(7n);
    const prev = 'ab'.repeat(32);
    const order = ['id', 'at', 'org_id', 'actor', 'action', 'target', 'before', 'after', 'details', 'request_id', 'ip'] as const;
    const expected = createHash('sha256')
      .update(Buffer.concat([Buffer.from('tollgate:audit-record:v1\0'), seq, Buffer.from(prev, 'hex'), ...order.map((k) => field(k, row[k]))]))
      .digest('hex');
    assert.equal(recordHash(7, prev, row), expected);
    // A stored chain must verify with every later version: this vector may never change.
    assert.equal(expected, '5b11eda71d87e36408c74e9be22914dc3ae71135413bd939deb8407911721386');
    assert.notEqual(recordHash(7, prev, { ...row, request_id: '' }), expected, 'null and empty text differ');
    assert.notEqual(recordHash(7, prev, { ...row, at: '1700000000000' as unknown as number }), expected, 'a number and its digits as text differ');
  });
});

describe('an idle linker', () => {
  test('writes nothing when there is nothing to link and no checkpoint is due', async () => {
    const [sqlite] = storeKinds();
    const t = await sqlite!.create();
    try {
      const signer = loadSigningKey({ dataDir: t.dataDir, create: true })!;
      await writeRecords(t.store, 3);
      assert.equal((await linkPending(t.store, { signer, forceCheckpoint: true })).linked, 3);
      const before = await t.store.db.selectFrom('audit_chain_head').selectAll().executeTakeFirstOrThrow();
      const r = await linkPending(t.store, { signer, now: () => Date.now() + 1_000 });
      assert.deepEqual([r.linked, r.head.seq, r.checkpoint], [0, 3, undefined]);
      assert.deepEqual(await t.store.db.selectFrom('audit_chain_head').selectAll().executeTakeFirstOrThrow(), before, 'the head row was not touched');
    } finally {
      await t.dispose();
    }
  });
});
