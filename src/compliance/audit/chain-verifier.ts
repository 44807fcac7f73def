import type { KeyObject } from 'node:crypto';
import type { Store } from '../../state/index.ts';
import { checkpointSignatureValid, type Checkpoint } from './checkpoint.ts';
import { hashedView } from './chain-linker.ts';
import { GENESIS_HASH, REDACTABLE_FIELDS, recordHash } from './record-hash.ts';

/** What is wrong, at which position of the chain. */
export interface ChainProblem {
  kind:
    | 'altered' // a record's content or hash no longer matches
    | 'broken_link' // a record does not point at its predecessor's hash (reordered, or a record before it replaced)
    | 'missing' // sequence numbers skipped: records deleted
    | 'bad_start' // the chain does not start at 1 and no signed checkpoint vouches for where it starts
    | 'truncated' // a checkpoint or the head row is beyond the last record
    | 'checkpoint_mismatch' // a signed checkpoint's hash differs from the record's
    | 'bad_signature' // a checkpoint's signature does not verify
    | 'unknown_key' // a checkpoint signed by a key the verifier was not given
    | 'head_mismatch'; // the head row disagrees with the last record
  seq: number | null;
  /** The record at that position, when there is one. */
  recordId: string | null;
  message: string;
}

export interface ChainReport {
  ok: boolean;
  /** Linked records checked. */
  records: number;
  first: { seq: number; id: string } | null;
  last: { seq: number; id: string; hash: string } | null;
  checkpoints: { total: number; verified: number; latestSeq: number | null };
  /** Records written but not yet linked (the chainer links them within seconds). */
  pending: { count: number; oldestAt: number | null };
  problems: ChainProblem[];
  /** The earliest problem by chain position: the first broken record. */
  firstBroken: ChainProblem | null;
}

export interface VerifyOptions {
  /** Public keys trusted to sign checkpoints, by key id. A checkpoint by any other key is a problem. */
  publicKeys: ReadonlyMap<string, KeyObject>;
  /** Checkpoints kept outside the database (e.g. from logs) that the chain must still contain. */
  expected?: readonly Checkpoint[];
  batchSize?: number;
}

/**
 * Walks the whole chain in sequence order and checks every record's hash and link, that no sequence
 * number is missing, that every checkpoint is signed by a trusted key and matches its record, and
 * that nothing is missing after the last checkpoint or the head row. Reads in batches, so memory
 * stays flat however long the log is.
 * @example const report = await verifyAuditChain(store, { publicKeys: new Map([[key.keyId, key.publicKey]]) });
 */
export async function verifyAuditChain(store: Store, options: VerifyOptions): Promise<ChainReport> {
  const db = store.db;
  const problems: ChainProblem[] = [];
  const add = (kind: ChainProblem['kind'], seq: number | null, recordId: string | null, message: string) => problems.push({ kind, seq, recordId, message });

  // Checkpoints first: the ones from the database and the ones given, each checked for its signature.
  const stored = await db.selectFrom('audit_checkpoints').selectAll().orderBy('seq').execute();
  const checkpoints: (Checkpoint & { source: string })[] = [
    ...stored.map((c) => ({ seq: Number(c.seq), hash: c.hash, at: Number(c.at), keyId: c.key_id, signature: c.signature, source: 'checkpoint' })),
    ...(options.expected ?? []).map((c) => ({ ...c, source: 'expected checkpoint' })),
  ];
  const trusted = new Map<number, string[]>();
  let verified = 0;
  for (const cp of checkpoints) {
    const key = options.publicKeys.get(cp.keyId);
    if (!key) add('unknown_key', cp.seq, null, `${cp.source} at seq ${cp.seq} is signed by key ${cp.keyId}, which is not trusted`);
    else if (!checkpointSignatureValid(cp, key)) add('bad_signature', cp.seq, null, `${cp.source} at seq ${cp.seq} has an invalid signature`);
    else {
      verified++;
      trusted.set(cp.seq, [...(trusted.get(cp.seq) ?? []), cp.hash]);
    }
  }

  const batch = options.batchSize ?? 1_000;
  let prevSeq: number | null = null;
  let prevHash = GENESIS_HASH;
  let prevId: string | null = null;
  let records = 0;
  let first: ChainReport['first'] = null;
  for (;;) {
    let q = db.selectFrom('audit_events').selectAll().where('seq', 'is not', null).orderBy('seq').limit(batch);
    if (prevSeq !== null) q = q.where('seq', '>', prevSeq);
    const rows = await q.execute();
    for (const row of rows) {
      const seq = Number(row.seq);
      records++;
      if (prevSeq === null) {
        first = { seq, id: row.id };
        if (seq !== 1) {
          // A chain whose start was cut (retention) is anchored by a signed checkpoint just before it.
          if (!trusted.get(seq - 1)?.includes(row.prev_hash ?? '')) add('bad_start', seq, row.id, `the chain starts at seq ${seq} (${row.id}) and no trusted checkpoint at seq ${seq - 1} vouches for it: records 1–${seq - 1} are missing`);
          // Either way the walk goes on from here, so each later problem is reported once.
          prevHash = row.prev_hash ?? prevHash;
        }
      } else if (seq !== prevSeq + 1) {
        add('missing', prevSeq + 1, row.id, `records ${prevSeq + 1}–${seq - 1} are missing (deleted) between ${prevId} and ${row.id}`);
      }
      if (row.prev_hash !== prevHash) {
        add('broken_link', seq, row.id, `record ${row.id} (seq ${seq}) does not point at the record before it (reordered, or a record before it was replaced)`);
      }
      const redactions = parseRedactions(row.redactions);
      const expectedHash = redactions === 'invalid' ? null : recordHash(seq, row.prev_hash ?? GENESIS_HASH, hashedView(row), redactions);
      if (expectedHash === null || expectedHash !== row.hash) add('altered', seq, row.id, `record ${row.id} (seq ${seq}) was altered: its content does not match its hash`);
      const vouched = trusted.get(seq);
      if (vouched && vouched.some((h) => h !== row.hash)) add('checkpoint_mismatch', seq, row.id, `record ${row.id} (seq ${seq}) differs from what a signed checkpoint recorded: the chain was rewritten`);
      trusted.delete(seq);
      prevSeq = seq;
      prevHash = row.hash ?? '';
      prevId = row.id;
    }
    if (rows.length < batch) break;
  }

  const lastSeq = prevSeq ?? 0;
  for (const [seq] of trusted) {
    if (seq > lastSeq) add('truncated', seq, null, `a signed checkpoint vouches for seq ${seq}, but the chain ends at ${lastSeq}: records were deleted from the end`);
    else if (seq >= (first?.seq ?? 1)) add('missing', seq, null, `a signed checkpoint vouches for seq ${seq}, which is missing`);
  }
  const head = await db.selectFrom('audit_chain_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
  if (head && Number(head.seq) !== lastSeq) {
    add(Number(head.seq) > lastSeq ? 'truncated' : 'head_mismatch', Number(head.seq), null, `the chain head says seq ${head.seq}, but the last record is seq ${lastSeq}`);
  } else if (head && lastSeq > 0 && head.hash !== prevHash) {
    add('head_mismatch', lastSeq, prevId, `the chain head's hash differs from the last record's (${prevId})`);
  }

  const pending = await db.selectFrom('audit_events').select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('at').as('oldest')]).where('seq', 'is', null).executeTakeFirstOrThrow();
  const order = (p: ChainProblem) => p.seq ?? Number.MAX_SAFE_INTEGER;
  const firstBroken = problems.length === 0 ? null : problems.reduce((a, b) => (order(b) < order(a) ? b : a));
  return {
    ok: problems.length === 0,
    records,
    first,
    last: prevSeq === null ? null : { seq: prevSeq, id: prevId!, hash: prevHash },
    checkpoints: { total: checkpoints.length, verified, latestSeq: stored.length ? Number(stored.at(-1)!.seq) : null },
    pending: { count: Number(pending.n), oldestAt: pending.oldest === null ? null : Number(pending.oldest) },
    problems,
    firstBroken,
  };
}

/** `redactions` column: {field: digest hex} for redactable fields only; anything else is invalid. */
function parseRedactions(text: string | null | undefined): Record<string, string> | undefined | 'invalid' {
  if (text === null || text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'invalid';
    for (const [k, d] of Object.entries(v)) if (!REDACTABLE_FIELDS.has(k) || typeof d !== 'string' || !/^[0-9a-f]{64}$/.test(d)) return 'invalid';
    return v as Record<string, string>;
  } catch {
    return 'invalid';
  }
}
