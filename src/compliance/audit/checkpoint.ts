import { sign, verify, type KeyObject } from 'node:crypto';
import type { AuditSigningKey } from './signing-key.ts';

/** A signed statement that the chain's record `seq` has hash `hash`, made at `at`. */
export interface Checkpoint {
  seq: number;
  hash: string;
  at: number;
  keyId: string;
  /** Ed25519 signature over checkpointMessage, base64. */
  signature: string;
}

/** What is signed: a domain tag and the three values, one per line. */
export function checkpointMessage(seq: number, hash: string, at: number): Buffer {
  return Buffer.from(`tollgate:audit-checkpoint:v1\n${seq}\n${hash}\n${at}\n`, 'utf8');
}

/** Signs the chain head. */
export function signCheckpoint(key: AuditSigningKey, seq: number, hash: string, at: number): Checkpoint {
  return { seq, hash, at, keyId: key.keyId, signature: sign(null, checkpointMessage(seq, hash, at), key.privateKey).toString('base64') };
}

/** Whether `cp` carries a valid signature by `publicKey`. */
export function checkpointSignatureValid(cp: Checkpoint, publicKey: KeyObject): boolean {
  try {
    return verify(null, checkpointMessage(cp.seq, cp.hash, cp.at), publicKey, Buffer.from(cp.signature, 'base64'));
  } catch {
    return false;
  }
}

/**
 * A checkpoint as one line of text (`tgcp1.<seq>.<hash>.<at>.<key id>.<signature>`), for logs and for
 * `tollgate audit verify --expect`: a copy kept outside the database proves the chain once reached it.
 */
export function formatCheckpoint(cp: Checkpoint): string {
  return `tgcp1.${cp.seq}.${cp.hash}.${cp.at}.${cp.keyId}.${Buffer.from(cp.signature, 'base64').toString('base64url')}`;
}

/** Parses formatCheckpoint's text; throws with a clear message otherwise. */
export function parseCheckpoint(text: string): Checkpoint {
  const m = /^tgcp1\.(\d{1,15})\.([0-9a-f]{64})\.(\d{1,15})\.([0-9a-f]{16})\.([A-Za-z0-9_-]{86})$/.exec(text.trim());
  if (!m) throw new Error('not a checkpoint (expected tgcp1.<seq>.<hash>.<at>.<key id>.<signature>)');
  return { seq: Number(m[1]), hash: m[2]!, at: Number(m[3]), keyId: m[4]!, signature: Buffer.from(m[5]!, 'base64url').toString('base64') };
}
