import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares two strings without leaking, through timing, where they first differ.
 * Strings of different lengths are unequal at once: use it on hashes, whose length is public.
 * @example constantTimeEqual(sha256Hex(presented), storedHash) // true or false
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  if (x.length !== y.length) return false;
  return timingSafeEqual(x, y);
}

/**
 * SHA-256 of a high-entropy secret as lowercase hex. Fast hashing is enough for random tokens;
 * passwords go through the argon2id hasher instead.
 * @example sha256Hex('abc') // 'ba7816bf…'
 */
export function sha256Hex(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
