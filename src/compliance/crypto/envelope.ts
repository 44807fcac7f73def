import { randomBytes } from 'node:crypto';
import type { Store } from '../../state/index.ts';
import { framed, open, seal } from './aead.ts';
import { CIPHERTEXT_VERSION, formatEnvelope, parseEnvelope } from './ciphertext-format.ts';
import { unwrapDataKey, wrapDataKey } from './data-key-wrap.ts';
import type { MasterKeyRing } from './master-key.ts';
import { DecryptionError } from './aead.ts';

/** The data key that encrypted this was destroyed (crypto-shredded): the content is gone for good. */
export class DataKeyDestroyedError extends Error {
  override name = 'DataKeyDestroyedError';
}

export interface EnvelopeOptions {
  /** How long an unwrapped data key stays in memory; also how long another instance may still read after a key is destroyed. Default 5 minutes. */
  cacheTtlMs?: number;
  now?: () => number;
}

/** Whose key: the organization's, or one user's (so that user's content can be crypto-shredded alone). */
export interface KeyScope {
  userId?: string | undefined;
}

interface CachedKey {
  id: string;
  owner: string;
  orgId: string;
  key: Buffer;
  expiresAt: number;
}

const ownerOf = (orgId: string, scope?: KeyScope) => (scope?.userId ? `user:${scope.userId}` : `org:${orgId}`);

/**
 * Envelope encryption: AES-256-GCM under a data key per organization (or per user), each data key
 * stored wrapped by the master key in `data_keys`. Unwrapped keys are cached in memory.
 * @example
 * const env = new Envelope(store, keyRing(loadMasterKey({ dataDir, create: true })!));
 * const stored = await env.encrypt(orgId, 'secret text', `messages/${messageId}`);
 * const text = await env.decryptText(orgId, stored, `messages/${messageId}`);
 */
export class Envelope {
  readonly #store: Store;
  readonly #ring: MasterKeyRing;
  readonly #ttl: number;
  readonly #now: () => number;
  readonly #byId = new Map<string, CachedKey>();
  readonly #byOwner = new Map<string, CachedKey>();

  constructor(store: Store, ring: MasterKeyRing, options: EnvelopeOptions = {}) {
    this.#store = store;
    this.#ring = ring;
    this.#ttl = options.cacheTtlMs ?? 300_000;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Encrypts under the organization's data key (or the user's, with `scope.userId`), creating the key
   * on first use. `aad` binds the ciphertext to where it is stored (e.g. `users/<id>/totp`): the same
   * text moved elsewhere does not decrypt. Returns the versioned text form.
   */
  async encrypt(orgId: string, plaintext: string | Uint8Array, aad: string, scope?: KeyScope): Promise<string> {
    const k = await this.#activeKey(orgId, scope);
    const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
    return formatEnvelope(CIPHERTEXT_VERSION, k.id, seal(k.key, data, contentAad(k.id, aad)));
  }

  /** Decrypts what `encrypt` made for this organization; DecryptionError on any mismatch, DataKeyDestroyedError once its key was shredded. */
  async decrypt(orgId: string, ciphertext: string, aad: string): Promise<Buffer> {
    const env = parseEnvelope(ciphertext, CIPHERTEXT_VERSION);
    const k = await this.#keyById(env.keyId);
    if (k.orgId !== orgId) throw new DecryptionError();
    return open(k.key, env.sealed, contentAad(k.id, aad));
  }

  /** `decrypt` as UTF-8 text. */
  async decryptText(orgId: string, ciphertext: string, aad: string): Promise<string> {
    return (await this.decrypt(orgId, ciphertext, aad)).toString('utf8');
  }

  /**
   * Crypto-shreds a user's data key: the wrapped key is deleted, so everything encrypted under it is
   * unreadable from now on (here at once; other instances once their cache entry expires). Returns
   * whether there was a key.
   */
  async destroyUserKey(userId: string): Promise<boolean> {
    const owner = `user:${userId}`;
    const r = await this.#store.db
      .updateTable('data_keys')
      .set({ wrapped: null, master_key_id: null, destroyed_at: this.#now() })
      .where('owner', '=', owner)
      .where('destroyed_at', 'is', null)
      .executeTakeFirst();
    const cached = this.#byOwner.get(owner);
    if (cached) this.#forget(cached);
    for (const c of this.#byId.values()) if (c.owner === owner) this.#forget(c);
    return Number(r.numUpdatedRows) > 0;
  }

  /** Drops every unwrapped key from memory (after a master-key rotation, or on shutdown). */
  clearCache(): void {
    for (const c of this.#byId.values()) c.key.fill(0);
    this.#byId.clear();
    this.#byOwner.clear();
  }

  async #activeKey(orgId: string, scope?: KeyScope): Promise<CachedKey> {
    const owner = ownerOf(orgId, scope);
    const hit = this.#byOwner.get(owner);
    if (hit && hit.expiresAt > this.#now()) return hit;
    const db = this.#store.db;
    let row = await db.selectFrom('data_keys').selectAll().where('owner', '=', owner).where('destroyed_at', 'is', null).executeTakeFirst();
    if (!row) {
      const id = `dk_${randomBytes(12).toString('hex')}`;
      const key = randomBytes(32);
      // Two instances may create the same owner's key at once; the unique index keeps one, and both use it.
      await db
        .insertInto('data_keys')
        .values({ id, owner, org_id: orgId, user_id: scope?.userId ?? null, wrapped: wrapDataKey(this.#ring.current, id, owner, key), master_key_id: this.#ring.current.id, created_at: this.#now(), destroyed_at: null })
        .onConflict((oc) => oc.column('owner').where('destroyed_at', 'is', null).doNothing())
        .execute();
      key.fill(0);
      row = await db.selectFrom('data_keys').selectAll().where('owner', '=', owner).where('destroyed_at', 'is', null).executeTakeFirstOrThrow();
    }
    if (row.org_id !== orgId) throw new DecryptionError(`data key of ${owner} belongs to another organization`);
    return this.#remember(row.id, owner, row.org_id, unwrapDataKey(this.#ring, row.id, owner, row.wrapped!));
  }

  async #keyById(id: string): Promise<CachedKey> {
    const hit = this.#byId.get(id);
    if (hit && hit.expiresAt > this.#now()) return hit;
    const row = await this.#store.db.selectFrom('data_keys').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new DecryptionError();
    if (row.destroyed_at !== null || row.wrapped === null) throw new DataKeyDestroyedError(`data key ${id} was destroyed; what it encrypted is erased`);
    const key = unwrapDataKey(this.#ring, row.id, row.owner, row.wrapped);
    // Only the owner's active key is cached by owner (a destroyed one is never reached here).
    return this.#remember(row.id, row.owner, row.org_id, key);
  }

  #remember(id: string, owner: string, orgId: string, key: Buffer): CachedKey {
    const old = this.#byId.get(id);
    if (old) this.#forget(old);
    const entry = { id, owner, orgId, key, expiresAt: this.#now() + this.#ttl };
    this.#byId.set(id, entry);
    this.#byOwner.set(owner, entry);
    return entry;
  }

  #forget(entry: CachedKey): void {
    this.#byId.delete(entry.id);
    if (this.#byOwner.get(entry.owner) === entry) this.#byOwner.delete(entry.owner);
    entry.key.fill(0);
  }
}

// The content's associated data: format version, data key id and the caller's binding, framed.
const contentAad = (keyId: string, aad: string) => framed(CIPHERTEXT_VERSION, keyId, aad);
