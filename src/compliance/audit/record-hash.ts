import { hash as oneShot } from 'node:crypto';

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
const TAG_NULL = Buffer.from('N');
const TAG_INT = Buffer.from('I');
const TAG_TEXT = Buffer.from('T');

function u32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(n);
  return b;
}

function lengthPrefixed(bytes: Buffer): Buffer[] {
  return [u32(bytes.length), bytes];
}

/**
 * The digest of one field: SHA-256 over a domain tag, the field name, a type tag (null, text or
 * integer) and the value, each length-prefixed so no two different (name, value) pairs share an
 * encoding. A record commits to its fields through these digests, so a later recorded redaction can
 * drop a value and keep its digest, and the chain still verifies.
 */
export function fieldDigest(name: string, value: string | number | null): Buffer {
  const parts = [FIELD_DOMAIN, ...lengthPrefixed(Buffer.from(name, 'utf8'))];
  if (value === null) parts.push(TAG_NULL);
  else parts.push(typeof value === 'number' ? TAG_INT : TAG_TEXT, ...lengthPrefixed(Buffer.from(String(value), 'utf8')));
  // One-shot hashing (no Hash object per field): the linker hashes a dozen fields per record.
  return oneShot('sha256', Buffer.concat(parts), 'buffer') as Buffer;
}

/**
 * A record's hash (hex): SHA-256 over the record domain tag, its sequence number (8 bytes,
 * big-endian), the previous record's hash (32 bytes) and the digests of HASHED_FIELDS in order.
 * `redactions` maps a field to the digest (hex) that stands in for its removed value.
 * @example recordHash(1, GENESIS_HASH, row) // '9f86d0…'
 */
export function recordHash(seq: number, prevHash: string, record: HashedRecord, redactions?: Readonly<Record<string, string>>): string {
  const s = Buffer.allocUnsafe(8);
  s.writeBigUInt64BE(BigInt(seq));
  const parts: Buffer[] = [RECORD_DOMAIN, s, Buffer.from(prevHash, 'hex')];
  for (const name of HASHED_FIELDS) {
    const stand = redactions?.[name];
    parts.push(stand !== undefined ? Buffer.from(stand, 'hex') : fieldDigest(name, normalized(record[name])));
  }
  return oneShot('sha256', Buffer.concat(parts), 'hex') as string;
}

// Both dialects return bigint columns as numbers (see state/store.ts); a numeric string would be a
// different encoding, so times are always encoded as integers.
function normalized(v: string | number | null | undefined): string | number | null {
  return v === undefined ? null : v;
}
