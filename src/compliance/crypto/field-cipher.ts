import { DataKeyDestroyedError, type Envelope, type KeyScope } from './envelope.ts';

// What `Envelope.encrypt` produces; anything else in a protected column is legacy plaintext.
const SEALED = /^tge1\.dk_[0-9a-f]{24}\.[A-Za-z0-9_-]+$/;

/** Whether a stored value is a Tollgate ciphertext (as opposed to plaintext written before encryption was on). */
export function isSealed(value: string): boolean {
  return value.startsWith('tge1.') && SEALED.test(value);
}

/** What a reader gets for content whose data key was crypto-shredded (the user was erased). */
export const ERASED_TEXT = '[erased]';

/**
 * Encryption of individual columns (message text, TOTP secrets, SSO client secrets) for the
 * modules that own them. With a master key it seals with the envelope; without one it stores
 * plaintext (PostgreSQL without a configured key, see docs/compliance.md). Reads accept both, so
 * rows written before encryption was switched on stay readable until the start-up pass seals them.
 * @example const stored = await cipher.seal(orgId, text, `conversation_messages/${id}/content`, { userId });
 *          const text = await cipher.open(orgId, stored, `conversation_messages/${id}/content`);
 */
export class FieldCipher {
  constructor(readonly envelope: Envelope | undefined) {}

  /** Whether new values are sealed (a master key is configured). */
  get enabled(): boolean {
    return this.envelope !== undefined;
  }

  /** Seals `text` for the row it is stored in (`aad`); plaintext when encryption is off. */
  async seal(orgId: string, text: string, aad: string, scope?: KeyScope): Promise<string> {
    return this.envelope ? this.envelope.encrypt(orgId, text, aad, scope) : text;
  }

  /** Opens a stored value; plaintext passes through. A shredded key reads as ERASED_TEXT. */
  async open(orgId: string, stored: string, aad: string): Promise<string> {
    if (!isSealed(stored)) return stored;
    if (!this.envelope) throw new Error('this value is encrypted, but no master key is configured (TOLLGATE_MASTER_KEY or TOLLGATE_MASTER_KEY_FILE)');
    try {
      return await this.envelope.decryptText(orgId, stored, aad);
    } catch (err) {
      if (err instanceof DataKeyDestroyedError) return ERASED_TEXT;
      throw err;
    }
  }

  /** `open` for a nullable column. */
  async openNullable(orgId: string, stored: string | null, aad: string): Promise<string | null> {
    return stored === null ? null : this.open(orgId, stored, aad);
  }
}

/** A cipher that never encrypts (tests and tools that do not care). */
export const PLAINTEXT = new FieldCipher(undefined);
