import { createHash } from 'node:crypto';

/** The fields of an audit record that its hash covers, in this order (the order is part of the format). */
export const HASHED_FIELDS = ['id', 'at', 'org_id', 'actor', 'action', 'target', 'before', 'after', 'details', 'request_id', 'ip'] as const;
export type HashedField = (typeof HASHED_FIELDS)[number];

/** Fields a recorded redaction may replace by their digest (who, about whom, what changed, from where); never id, time or action. */
export const REDACTABLE_FIELDS: ReadonlySet<string> = new Set<HashedField>(['actor', 'target', 'before', 'after', 'details', 'ip']);

export type HashedRecord = { [K in HashedField]: string | number | null };

/** The previous hash of the first record: 32 zero bytes. */
export const GENESIS_HASH = '0'.repeat(64);

const FIELD_DOMAIN = Buffer.from('tollgate:audit-field:v1\0');
const RECORD_DOMAIN = Buffer.from('tollgate:audit-record:v1\0');

function lengthPrefixed(hash: ReturnType<typeof createHash>, bytes: Buffer): void {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(bytes.length);
  hash.update(len).update(bytes);
}

/**
 * The digest of one field: SHA-256 over a domain tag, the field name, a type tag (null, text or
 * integer) and the value, each length-prefixed so no two different (name, value) pairs share an
 * encoding. A record commits to its fields through these digests, so a later recorded redaction can
 * drop a value and keep its digest, and the chain still verifies.
 */
export function fieldDigest(name: string, value: string | number | null): Buffer {
  const h = createHash('sha256').update(FIELD_DOMAIN);
  lengthPrefixed(h, Buffer.from(name, 'utf8'));
  if (value === null) h.update('N');
  else if (typeof value === 'number') {
    h.update('I');
    lengthPrefixed(h, Buffer.from(String(value), 'utf8'));
  } else {
    h.update('T');
    lengthPrefixed(h, Buffer.from(value, 'utf8'));
  }
  return h.digest();
}

/**
 * A record's hash (hex): SHA-256 over the record domain tag, its sequence number (8 bytes,
 * big-endian), the previous record's hash (32 bytes) and the digests of HASHED_FIELDS in order.
 * `redactions` maps a field to the digest (hex) that stands in for its removed value.
 * @example recordHash(1, GENESIS_HASH, row) // '9f86d0…'
 */
export function recordHash(seq: number, prevHash: string, record: HashedRecord, redactions?: Readonly<Record<string, string>>): string {
  const h = createHash('sha256').update(RECORD_DOMAIN);
  const s = Buffer.alloc(8);
  s.writeBigUInt64BE(BigInt(seq));
  h.update(s).update(Buffer.from(prevHash, 'hex'));
  for (const name of HASHED_FIELDS) {
    const stand = redactions?.[name];
    h.update(stand !== undefined ? Buffer.from(stand, 'hex') : fieldDigest(name, normalized(record[name])));
  }
  return h.digest('hex');
}

// Both dialects return bigint columns as numbers (see state/store.ts); a numeric string would be a
// different encoding, so times are always encoded as integers.
function normalized(v: string | number | null | undefined): string | number | null {
  return v === undefined ? null : v;
}
