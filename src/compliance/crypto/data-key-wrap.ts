import { DecryptionError, framed, open, seal } from './aead.ts';
import { WRAPPED_VERSION, formatEnvelope, parseEnvelope } from './ciphertext-format.ts';
import type { MasterKey, MasterKeyRing } from './master-key.ts';

/** A stored data key that no master key of the ring can open (the ring lacks the key that wrapped it). */
export class UnknownMasterKeyError extends Error {
  override name = 'UnknownMasterKeyError';
}

// The wrapped key is bound to its id and owner: a wrapped key copied onto another row (another
// organization's) does not open.
const wrapAad = (dataKeyId: string, owner: string) => framed('tollgate:data-key:v1', dataKeyId, owner);

/** Wraps a data key under a master key. */
export function wrapDataKey(master: MasterKey, dataKeyId: string, owner: string, key: Buffer): string {
  return formatEnvelope(WRAPPED_VERSION, master.id, seal(master.key, key, wrapAad(dataKeyId, owner)));
}

/** Unwraps a stored data key with whichever key of the ring wrapped it. */
export function unwrapDataKey(ring: MasterKeyRing, dataKeyId: string, owner: string, wrapped: string): Buffer {
  const env = parseEnvelope(wrapped, WRAPPED_VERSION);
  const master = ring.byId.get(env.keyId);
  if (!master) throw new UnknownMasterKeyError(`data key ${dataKeyId} was wrapped by master key ${env.keyId}, which is not configured`);
  const key = open(master.key, env.sealed, wrapAad(dataKeyId, owner));
  if (key.length !== 32) throw new DecryptionError();
  return key;
}
