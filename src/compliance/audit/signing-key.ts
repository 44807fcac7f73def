import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { KeyFileError, fileExists, readPrivateFile, writePrivateFile } from '../crypto/key-file.ts';

/** The Ed25519 key that signs checkpoints. */
export interface AuditSigningKey {
  readonly keyId: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/** A key id: the first 16 hex digits of SHA-256 over the raw 32-byte Ed25519 public key. */
export function signingKeyId(publicKey: KeyObject): string {
  const raw = publicKey.export({ format: 'jwk' }).x;
  if (typeof raw !== 'string') throw new KeyFileError('not an Ed25519 public key');
  return createHash('sha256').update(Buffer.from(raw, 'base64url')).digest('hex').slice(0, 16);
}

/** The default key file in a data folder. */
export function defaultSigningKeyFile(dataDir: string): string {
  return join(dataDir, 'audit-signing.key');
}

/**
 * Loads the checkpoint signing key (PKCS#8 PEM, Ed25519) from `file` (TOLLGATE_AUDIT_SIGNING_KEY_FILE)
 * or `<dataDir>/audit-signing.key`, creating the default file (0600) when `create` is set.
 * @example const key = loadSigningKey({ dataDir: './data', create: true });
 */
export function loadSigningKey(opts: { file?: string | undefined; dataDir: string; create?: boolean }): AuditSigningKey | undefined {
  const path = opts.file ?? defaultSigningKeyFile(opts.dataDir);
  if (!fileExists(path)) {
    if (opts.file !== undefined) throw new KeyFileError(`audit signing key file ${path} does not exist`);
    if (!opts.create) return undefined;
    const { privateKey } = generateKeyPairSync('ed25519');
    writePrivateFile(path, privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(readPrivateFile(path));
  } catch (err) {
    if (err instanceof KeyFileError) throw err;
    throw new KeyFileError(`${path} is not a PEM private key`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new KeyFileError(`${path} must hold an Ed25519 key (openssl genpkey -algorithm ed25519)`);
  const publicKey = createPublicKey(privateKey);
  return { keyId: signingKeyId(publicKey), privateKey, publicKey };
}

/** Reads an Ed25519 public key (SPKI PEM) for verification without the private key. */
export function parsePublicKey(pem: string): KeyObject {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new KeyFileError('an audit public key must be Ed25519');
  return key;
}
