import { DecryptionError } from './aead.ts';

/**
 * Stored ciphertext: `tge1.<data key id>.<base64url(iv ‖ ciphertext ‖ tag)>`. The version names
 * the algorithm (1: AES-256-GCM, 96-bit random nonce, 128-bit tag) so a later format can live beside
 * it; the data key id says which key opens it, without a lookup table.
 */
export const CIPHERTEXT_VERSION = 'tge1';

/** A wrapped data key: `tgw1.<master key id>.<base64url(iv ‖ ciphertext ‖ tag)>`. */
export const WRAPPED_VERSION = 'tgw1';

export interface ParsedEnvelope {
  version: string;
  keyId: string;
  sealed: Buffer;
}

/** Builds the text form. */
export function formatEnvelope(version: string, keyId: string, sealed: Buffer): string {
  return `${version}.${keyId}.${sealed.toString('base64url')}`;
}

/** Parses the text form, accepting only `version`; anything else is a DecryptionError. */
export function parseEnvelope(text: string, version: string): ParsedEnvelope {
  const first = text.indexOf('.');
  const second = first < 0 ? -1 : text.indexOf('.', first + 1);
  if (first < 0 || second < 0) throw new DecryptionError('not a Tollgate ciphertext');
  const v = text.slice(0, first);
  if (v !== version) throw new DecryptionError(`unsupported ciphertext version '${v.slice(0, 10)}'`);
  const keyId = text.slice(first + 1, second);
  const body = text.slice(second + 1);
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(keyId) || !/^[A-Za-z0-9_-]+$/.test(body)) throw new DecryptionError('not a Tollgate ciphertext');
  return { version: v, keyId, sealed: Buffer.from(body, 'base64url') };
}
