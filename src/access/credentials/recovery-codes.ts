import { randomInt } from 'node:crypto';
import { constantTimeEqual, sha256Hex } from './constant-time.ts';

/** Lowercase letters and digits without look-alikes (0/o, 1/l/i). */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const GROUPS = 4;
const GROUP_LENGTH = 4;
/** How many codes a user gets. */
export const RECOVERY_CODE_COUNT = 10;

/** Codes to show the user once, and the hashes to store in their place (same order). */
export interface RecoveryCodeSet {
  codes: string[];
  hashes: string[];
}

export type RecoveryRedemption = { ok: true; remaining: string[] } | { ok: false };

/**
 * Ten recovery codes like `k7mw-3qpz-x2ad-9fhe`: 16 characters from a 31-letter alphabet, about
 * 79 bits each, so a fast SHA-256 at rest is safe against offline guessing.
 * @example
 * const { codes, hashes } = generateRecoveryCodes();
 * // show `codes` once; store `hashes`
 */
export function generateRecoveryCodes(count = RECOVERY_CODE_COUNT): RecoveryCodeSet {
  const codes: string[] = [];
  for (let i = 0; i < count; i++) {
    const groups: string[] = [];
    for (let g = 0; g < GROUPS; g++) {
      let s = '';
      for (let c = 0; c < GROUP_LENGTH; c++) s += ALPHABET[randomInt(ALPHABET.length)];
      groups.push(s);
    }
    codes.push(groups.join('-'));
  }
  return { codes, hashes: codes.map((c) => sha256Hex(normalizeRecoveryCode(c))) };
}

/** Lowercase, without spaces and dashes: how users type codes varies, the hash must not. */
export function normalizeRecoveryCode(input: string): string {
  return input.toLowerCase().replace(/[\s-]+/g, '');
}

/**
 * Redeems `input` against the stored hashes. On success returns the hashes left, without the
 * one used: the caller must store them in place of the old list (atomically, e.g. a conditional
 * update on the previous value) so each code works once. Every stored hash is compared, in
 * constant time, whether or not an earlier one matched.
 * @example
 * const r = redeemRecoveryCode(user.recoveryHashes, body.code);
 * if (r.ok) user.recoveryHashes = r.remaining;
 */
export function redeemRecoveryCode(storedHashes: readonly string[], input: string): RecoveryRedemption {
  const normalized = normalizeRecoveryCode(input);
  if (normalized.length !== GROUPS * GROUP_LENGTH) return { ok: false };
  const hash = sha256Hex(normalized);
  let match = -1;
  storedHashes.forEach((stored, i) => {
    if (constantTimeEqual(stored, hash) && match === -1) match = i;
  });
  if (match === -1) return { ok: false };
  return { ok: true, remaining: storedHashes.filter((_, i) => i !== match) };
}
