import { createHash, randomBytes } from 'node:crypto';

/** Every Tollgate key starts with this, so leaked keys are recognisable by secret scanners. */
export const KEY_PREFIX = 'tg-';
const VISIBLE_CHARS = 8;

/** A new random key: `tg-` followed by 40 URL-safe characters (240 bits). */
export function generateKeySecret(): string {
  return KEY_PREFIX + randomBytes(30).toString('base64url');
}

/** Keys are high-entropy random strings, so a fast hash is enough (no password stretching needed). */
export function hashKeySecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** The part of a key that may be shown and logged, e.g. `tg-AbCd1234`. */
export function visiblePrefix(secret: string): string {
  return secret.slice(0, KEY_PREFIX.length + VISIBLE_CHARS);
}

/** Syntactic check before any lookup: malformed keys are refused without touching the store. */
export function looksLikeKey(secret: string): boolean {
  return secret.startsWith(KEY_PREFIX) && secret.length >= 19 && secret.length <= 203 && /^[A-Za-z0-9_-]+$/.test(secret.slice(3));
}
