import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { KeyFileError, fileExists, newKey256Text, parseKey256, readPrivateFile, writePrivateFile } from './key-file.ts';

/** A 256-bit master key and its id (which key wrapped a data key is stored beside it). */
export interface MasterKey {
  /** First 16 hex digits of SHA-256 over a domain tag and the key: names the key, reveals nothing. */
  readonly id: string;
  readonly key: Buffer;
}

/** Where the master key comes from: configuration (`TOLLGATE_MASTER_KEY`, `TOLLGATE_MASTER_KEY_FILE`) and the data folder. */
export interface MasterKeySource {
  /** Base64 of 32 bytes (TOLLGATE_MASTER_KEY). Wins over every file. */
  keyText?: string | undefined;
  /** A key file (TOLLGATE_MASTER_KEY_FILE); default `<dataDir>/master.key`. */
  keyFile?: string | undefined;
  dataDir: string;
  /** Create the file (0600) with a new random key when no key is configured and the file is absent. */
  create?: boolean;
}

/** The key ring: the current master key (wraps new data keys) and older ones still accepted for unwrapping. */
export interface MasterKeyRing {
  readonly current: MasterKey;
  /** Keys that may have wrapped stored data keys, current included, by id. */
  readonly byId: ReadonlyMap<string, MasterKey>;
}

/** The master key made from 32 bytes. */
export function masterKey(key: Buffer): MasterKey {
  if (key.length !== 32) throw new KeyFileError('a master key is 32 bytes');
  const id = createHash('sha256').update('tollgate:master-key-id:v1\n').update(key).digest('hex').slice(0, 16);
  return { id, key };
}

/** A ring with `current` first and `previous` keys still accepted when reading. */
export function keyRing(current: MasterKey, previous: readonly MasterKey[] = []): MasterKeyRing {
  const byId = new Map<string, MasterKey>();
  for (const k of [current, ...previous]) byId.set(k.id, k);
  return { current, byId };
}

/** The default key file in a data folder. */
export function defaultMasterKeyFile(dataDir: string): string {
  return join(dataDir, 'master.key');
}

/**
 * Loads the master key: `keyText` if given, else the key file (default `<dataDir>/master.key`),
 * created with a fresh random key when `create` is set and it does not exist. Returns undefined when
 * there is none and none may be created.
 * @example const master = loadMasterKey({ keyText: process.env.TOLLGATE_MASTER_KEY, dataDir: './data', create: true });
 */
export function loadMasterKey(source: MasterKeySource): MasterKey | undefined {
  if (source.keyText !== undefined && source.keyText !== '') return masterKey(parseKey256(source.keyText, 'TOLLGATE_MASTER_KEY'));
  const path = source.keyFile ?? defaultMasterKeyFile(source.dataDir);
  if (!fileExists(path)) {
    if (source.keyFile !== undefined) throw new KeyFileError(`master key file ${path} does not exist`);
    if (!source.create) return undefined;
    writePrivateFile(path, newKey256Text());
  }
  return masterKey(parseKey256(readPrivateFile(path), `the master key file ${path}`));
}
