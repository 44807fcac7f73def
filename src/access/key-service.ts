import { randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import { errors } from '../http/errors.ts';
import type { ApiKeyTable, Store } from '../state/index.ts';
import { generateKeySecret, hashKeySecret, looksLikeKey, visiblePrefix } from './key-secret.ts';
import { modelMatcher, type Principal } from './principal.ts';

/** A key as shown to admins: never the secret or its hash. */
export interface KeyView {
  id: string;
  object: 'api_key';
  name: string;
  prefix: string;
  owner: string | null;
  role: 'admin' | 'user';
  allowed_models: string[] | null;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
}

export interface CreateKeyInput {
  name: string;
  owner?: string | null | undefined;
  role?: 'admin' | 'user' | undefined;
  allowedModels?: string[] | null | undefined;
  expiresAt?: number | null | undefined;
  /** Use this secret instead of a random one (the bootstrap admin key from TOLLGATE_ADMIN_KEY). */
  secret?: string | undefined;
}

export interface KeyServiceOptions {
  /** How long an authentication result is cached in memory. Revocation on this instance is immediate. */
  cacheTtlMs: number;
  /** How often last-used times are written to the store. */
  touchFlushMs?: number;
  now?: () => number;
}

interface CacheEntry {
  principal: Principal | null;
  revoked: boolean;
  until: number;
}

const CACHE_MAX = 10_000;

/** Creates, lists, revokes and authenticates Tollgate keys. Authentication is served from memory. */
export class KeyService {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly touched = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  private readonly now: () => number;

  constructor(
    private readonly store: Store,
    private readonly options: KeyServiceOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.timer = setInterval(() => void this.flushTouches(), options.touchFlushMs ?? 5_000);
    this.timer.unref();
  }

  /** Returns the stored key and its secret; the secret is not kept and cannot be shown again. */
  async create(input: CreateKeyInput): Promise<{ key: KeyView; secret: string }> {
    const secret = input.secret ?? generateKeySecret();
    const row: Selectable<ApiKeyTable> = {
      id: `key_${randomBytes(12).toString('hex')}`,
      name: input.name,
      prefix: visiblePrefix(secret),
      hash: hashKeySecret(secret),
      owner: input.owner ?? null,
      role: input.role ?? 'user',
      allowed_models: input.allowedModels ? JSON.stringify(input.allowedModels) : null,
      created_at: this.now(),
      last_used_at: null,
      expires_at: input.expiresAt ?? null,
      revoked_at: null,
    };
    await this.store.db.insertInto('api_keys').values(row).execute();
    this.cache.delete(row.hash);
    return { key: toView(row), secret };
  }

  async list(): Promise<KeyView[]> {
    await this.flushTouches();
    const rows = await this.store.db.selectFrom('api_keys').selectAll().orderBy('created_at', 'desc').execute();
    return rows.map(toView);
  }

  async get(id: string): Promise<KeyView | undefined> {
    const row = await this.store.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toView(row);
  }

  async count(): Promise<number> {
    const r = await this.store.db.selectFrom('api_keys').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** Revokes a key; it stops working on this instance at once. Returns undefined for an unknown id. */
  async revoke(id: string): Promise<KeyView | undefined> {
    const row = await this.store.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    if (row.revoked_at === null) {
      row.revoked_at = this.now();
      await this.store.db.updateTable('api_keys').set({ revoked_at: row.revoked_at }).where('id', '=', id).execute();
    }
    this.cache.delete(row.hash);
    return toView(row);
  }

  /**
   * Resolves an `Authorization` header value to a principal, or throws a 401 TollgateError.
   * Served from an in-memory cache on the hot path; the store is read once per key per TTL.
   */
  async authenticate(authorization: string | undefined): Promise<Principal> {
    if (!authorization) {
      throw errors.unauthorized(
        'missing_api_key',
        "You didn't provide an API key. Provide your Tollgate key in an Authorization header using Bearer auth (Authorization: Bearer tg-...).",
      );
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    const secret = match?.[1];
    if (!secret || !looksLikeKey(secret)) {
      throw errors.unauthorized('invalid_api_key', 'Malformed API key: expected a Tollgate key (Bearer tg-...).');
    }
    const hash = hashKeySecret(secret);
    const now = this.now();
    let entry = this.cache.get(hash);
    if (!entry || entry.until <= now) {
      entry = await this.load(hash, now);
    }
    const principal = entry.principal;
    if (!principal) {
      throw errors.unauthorized(
        entry.revoked ? 'revoked_api_key' : 'invalid_api_key',
        entry.revoked ? 'This API key has been revoked.' : 'Incorrect API key provided.',
      );
    }
    if (principal.expiresAt !== null && principal.expiresAt <= now) {
      throw errors.unauthorized('expired_api_key', 'This API key has expired.');
    }
    this.touched.set(principal.keyId, now);
    return principal;
  }

  /** Writes pending last-used times. */
  async flushTouches(): Promise<void> {
    if (this.touched.size === 0) return;
    const batch = [...this.touched];
    this.touched.clear();
    for (const [id, at] of batch) {
      await this.store.db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flushTouches();
  }

  private async load(hash: string, now: number): Promise<CacheEntry> {
    const row = await this.store.db.selectFrom('api_keys').selectAll().where('hash', '=', hash).executeTakeFirst();
    const entry: CacheEntry = {
      principal: row && row.revoked_at === null ? toPrincipal(row) : null,
      revoked: row !== undefined && row.revoked_at !== null,
      until: now + this.options.cacheTtlMs,
    };
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(hash, entry);
    return entry;
  }
}

function toPrincipal(row: Selectable<ApiKeyTable>): Principal {
  const models = row.allowed_models ? (JSON.parse(row.allowed_models) as string[]) : null;
  return {
    keyId: row.id,
    keyPrefix: row.prefix,
    name: row.name,
    owner: row.owner,
    role: row.role,
    allowedModels: models ? modelMatcher(models) : null,
    expiresAt: row.expires_at,
  };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function toView(row: Selectable<ApiKeyTable>): KeyView {
  return {
    id: row.id,
    object: 'api_key',
    name: row.name,
    prefix: row.prefix,
    owner: row.owner,
    role: row.role,
    allowed_models: row.allowed_models ? (JSON.parse(row.allowed_models) as string[]) : null,
    created_at: new Date(row.created_at).toISOString(),
    last_used_at: iso(row.last_used_at),
    expires_at: iso(row.expires_at),
    revoked_at: iso(row.revoked_at),
  };
}
