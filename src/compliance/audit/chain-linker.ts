import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { AuditEventTable, Database, Store } from '../../state/index.ts';
import { signCheckpoint, type Checkpoint } from './checkpoint.ts';
import { recordHash } from './record-hash.ts';
import type { AuditSigningKey } from './signing-key.ts';

export interface LinkOptions {
  /** Signs checkpoints; without one, records are linked but no checkpoint is written. */
  signer?: AuditSigningKey | undefined;
  /** Records linked per transaction. Default 500. */
  batchSize?: number;
  /** At most this many batches per call, so one call is bounded. Default 20. */
  maxBatches?: number;
  /** A checkpoint is due after this many new records… Default 1000. */
  checkpointEvery?: number;
  /** …or this long after the last one, if the head moved. Default 60 s. */
  checkpointIntervalMs?: number;
  /** Checkpoint the head now if it moved (on shutdown). */
  forceCheckpoint?: boolean;
  now?: () => number;
}

export interface LinkResult {
  linked: number;
  head: { seq: number; hash: string };
  checkpoint: Checkpoint | undefined;
}

const UPDATE_CHUNK = 200;

/**
 * Links committed, not yet linked audit records into the chain, oldest first (by time, then id):
 * each gets the next sequence number, the previous head's hash and its own hash; the head row moves
 * on, and a signed checkpoint is written when one is due. Each batch is one transaction that first
 * updates the head row, which serializes linkers across connections and instances (PostgreSQL row
 * lock, SQLite's write lock); the chain is one ordered list whatever order writers commit in.
 * @example await linkPending(store, { signer });
 */
export async function linkPending(store: Store, options: LinkOptions = {}): Promise<LinkResult> {
  // An idle pass reads and writes nothing else: no lock taken, no write every second per instance.
  const idle = options.forceCheckpoint ? undefined : await idleHead(store, options);
  if (idle) return { linked: 0, head: idle, checkpoint: undefined };
  const batchSize = options.batchSize ?? 500;
  const maxBatches = options.maxBatches ?? 20;
  let linked = 0;
  let result: LinkResult | undefined;
  for (let i = 0; i < maxBatches; i++) {
    const last = i === maxBatches - 1;
    result = await store.db.transaction().execute((trx) => linkBatch(store, trx, batchSize, options, last));
    linked += result.linked;
    if (result.linked < batchSize) break;
  }
  return { ...result!, linked };
}

/** The head when there is nothing to link and no checkpoint due; undefined when a pass has work. */
async function idleHead(store: Store, o: LinkOptions): Promise<{ seq: number; hash: string } | undefined> {
  const db = store.db;
  if (await db.selectFrom('audit_events').select('id').where('seq', 'is', null).limit(1).executeTakeFirst()) return undefined;
  const head = await db.selectFrom('audit_chain_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow();
  if (o.signer && Number(head.seq) > 0) {
    const lastCp = await db.selectFrom('audit_checkpoints').select(['seq', 'at']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    const behind = Number(head.seq) > (lastCp ? Number(lastCp.seq) : 0);
    if (behind && (o.now ?? Date.now)() - (lastCp ? Number(lastCp.at) : 0) >= (o.checkpointIntervalMs ?? 60_000)) return undefined;
  }
  return { seq: Number(head.seq), hash: head.hash };
}

async function linkBatch(store: Store, trx: Transaction<Database>, batchSize: number, o: LinkOptions, lastBatch: boolean): Promise<LinkResult> {
  const now = (o.now ?? Date.now)();
  // The lock: every linker updates the head row before reading anything.
  await trx.updateTable('audit_chain_head').set({ updated_at: now }).where('id', '=', 1).execute();
  const head = await trx.selectFrom('audit_chain_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow();
  const rows = await trx.selectFrom('audit_events').selectAll().where('seq', 'is', null).orderBy('at').orderBy('id').limit(batchSize).execute();
  let seq = Number(head.seq);
  let hash = head.hash;
  const links: { id: string; seq: number; prev: string; hash: string }[] = [];
  for (const row of rows) {
    seq += 1;
    const next = recordHash(seq, hash, hashedView(row));
    links.push({ id: row.id, seq, prev: hash, hash: next });
    hash = next;
  }
  if (store.sqlite) applySqliteLinks(store.sqlite, links);
  else for (let i = 0; i < links.length; i += UPDATE_CHUNK) await applyLinks(trx, links.slice(i, i + UPDATE_CHUNK));
  if (links.length > 0) await trx.updateTable('audit_chain_head').set({ seq, hash }).where('id', '=', 1).execute();

  let checkpoint: Checkpoint | undefined;
  const more = rows.length === batchSize && !lastBatch;
  if (o.signer && seq > 0 && !more) {
    const lastCp = await trx.selectFrom('audit_checkpoints').select(['seq', 'at']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    const lastSeq = lastCp ? Number(lastCp.seq) : 0;
    const due =
      seq > lastSeq &&
      (o.forceCheckpoint === true || seq - lastSeq >= (o.checkpointEvery ?? 1000) || now - (lastCp ? Number(lastCp.at) : 0) >= (o.checkpointIntervalMs ?? 60_000));
    if (due) {
      checkpoint = signCheckpoint(o.signer, seq, hash, now);
      await trx.insertInto('audit_checkpoints').values({ seq, hash, at: now, key_id: checkpoint.keyId, signature: checkpoint.signature }).execute();
    }
  }
  return { linked: links.length, head: { seq, hash }, checkpoint };
}

/**
 * SQLite: one prepared statement per record on the connection the transaction is open on (SQLite
 * would scan the table for each row of an UPDATE … FROM (VALUES …)); a few µs each.
 */
function applySqliteLinks(db: NonNullable<Store['sqlite']>, links: { id: string; seq: number; prev: string; hash: string }[]): void {
  const update = db.prepare('update audit_events set seq = ?, prev_hash = ?, hash = ? where id = ? and seq is null');
  for (const l of links) {
    if (update.run(l.seq, l.prev, l.hash, l.id).changes !== 1) throw new Error('audit chain: a record changed while it was being linked');
  }
}

/** PostgreSQL: one UPDATE … FROM (VALUES …) per chunk (a hash join); VALUES columns are column1…columnN. */
async function applyLinks(trx: Kysely<Database>, links: { id: string; seq: number; prev: string; hash: string }[]): Promise<void> {
  const values = sql.join(links.map((l) => sql`(${l.id}, cast(${l.seq} as bigint), ${l.prev}, ${l.hash})`));
  const r = await sql`update audit_events set seq = v.column2, prev_hash = v.column3, hash = v.column4
    from (values ${values}) as v where audit_events.id = v.column1 and audit_events.seq is null`.execute(trx);
  if (Number(r.numAffectedRows ?? 0) !== links.length) throw new Error('audit chain: a record changed while it was being linked');
}

/** The hashed fields of a stored row. */
export function hashedView(row: Selectable<AuditEventTable>) {
  return {
    id: row.id,
    at: Number(row.at),
    org_id: row.org_id,
    actor: row.actor,
    action: row.action,
    target: row.target,
    before: row.before,
    after: row.after,
    details: row.details,
    request_id: row.request_id,
    ip: row.ip,
  };
}
