import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Ciphertext that does not open: wrong key, wrong associated data, or altered bytes. Says nothing more, on purpose. */
export class DecryptionError extends Error {
  override name = 'DecryptionError';
  constructor(message = 'ciphertext could not be decrypted (wrong key, wrong associated data, or altered)') {
    super(message);
  }
}

/**
 * AES-256-GCM with a random 96-bit nonce: `iv ‖ ciphertext ‖ tag`. A nonce per message is random;
 * with 2^32 messages per key the chance of a repeat stays below 2^-32 (NIST SP 800-38D's bound).
 */
export function seal(key: Buffer, plaintext: Uint8Array, aad: Uint8Array): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

/** Opens what `seal` made; throws DecryptionError on any mismatch. */
export function open(key: Buffer, sealed: Buffer, aad: Uint8Array): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new DecryptionError();
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new DecryptionError();
  }
}

/** Associated data with an unambiguous framing: each part length-prefixed (4 bytes, big-endian). */
export function framed(...parts: (string | Uint8Array)[]): Buffer {
  const bufs: Buffer[] = [];
  for (const p of parts) {
    const b = typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    bufs.push(len, b);
  }
  return Buffer.concat(bufs);
}
