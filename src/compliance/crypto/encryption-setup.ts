import type { Store } from '../../state/index.ts';
import { Envelope } from './envelope.ts';
import { FieldCipher } from './field-cipher.ts';
import { keyRing, loadMasterKey, type MasterKey } from './master-key.ts';

/** What /ready and the start-up log say about encryption at rest. */
export interface EncryptionStatus {
  status: 'on' | 'off';
  /** Where the master key came from: `env`, `file` (configured), `data_dir` (generated or found in the data folder). */
  key_source?: 'env' | 'file' | 'data_dir';
  /** Why it is off, and what to set. */
  reason?: string;
}

export interface EncryptionSetup {
  cipher: FieldCipher;
  status: EncryptionStatus;
}

/**
 * Chooses the master key at start (docs/compliance.md, "Without a master key"):
 * - `TOLLGATE_MASTER_KEY` or `TOLLGATE_MASTER_KEY_FILE`: that key;
 * - else `<data_dir>/master.key` if it exists;
 * - else, on SQLite, that file is created (mode 0600) with a fresh key: one machine, one data folder;
 * - else (PostgreSQL): no key is invented, because every instance sharing the database needs the
 *   same one; content is stored in plaintext and /ready and the log say so.
 * @example const { cipher, status } = setUpEncryption(store, { keyText, keyFile, dataDir });
 */
export function setUpEncryption(store: Store, source: { keyText?: string | undefined; keyFile?: string | undefined; dataDir: string }): EncryptionSetup {
  const configured = (source.keyText !== undefined && source.keyText !== '') || source.keyFile !== undefined;
  const master: MasterKey | undefined = loadMasterKey({ ...source, create: store.dialect === 'sqlite' });
  if (!master) {
    return {
      cipher: new FieldCipher(undefined),
      status: {
        status: 'off',
        reason: 'no master key is configured: message text, TOTP secrets and SSO client secrets are stored in plaintext. Set TOLLGATE_MASTER_KEY (openssl rand -base64 32) or TOLLGATE_MASTER_KEY_FILE, the same on every instance, and restart',
      },
    };
  }
  const keySource = source.keyText ? 'env' : configured ? 'file' : 'data_dir';
  return { cipher: new FieldCipher(new Envelope(store, keyRing(master))), status: { status: 'on', key_source: keySource } };
}
