import type { Selectable, Transaction } from 'kysely';
import { LRUCache } from 'lru-cache';
import { fail } from '../errors/index.ts';
import { ACCESS_TOPIC, publishChange, type ApiKeyTable, type Database, type Store } from '../state/index.ts';
import type { RoleName } from '../state/index.ts';
import { changeRecord, newId, type ChangeContext } from './change-record.ts';
import type { Directory } from './directory/directory.ts';
import { generateKeySecret, hashKeySecret, looksLikeKey, visiblePrefix } from './key-secret.ts';
import { combineAllowlists, IpAllowlist } from './network/index.ts';
import { isAllowed } from './permissions/authorize.ts';
import type { Actor } from './permissions/actor.ts';
import { visibleWhere, type Visibility } from './permissions/visibility.ts';
import { keyView as toView, type KeyView } from './key-view.ts';
import { mergeRateLimits, type RateLimitSettingsInput } from './rate-limit-settings.ts';
import { modelMatcher, type Principal } from './principal.ts';
import { appendAuditEvent } from '../compliance/audit/index.ts';

export type { KeyView } from './key-view.ts';

type KeyRow = Selectable<ApiKeyTable>;

export interface CreateKeyInput {
  name: string;
  orgId: string;
  teamId?: string | null | undefined;
  /** Set for a personal key; null/absent for a service key (then teamId is required). */
  userId?: string | null | undefined;
  /** A service key's role in its team. */
  role?: RoleName | undefined;
  allowedModels?: string[] | null | undefined;
  endpoints?: string[] | null | undefined;
  ipAllowlist?: string[] | null | undefined;
  expiresAt?: number | null | undefined;
  /** Rate limits of the key's own. */
  rateLimits?: RateLimitSettingsInput | undefined;
  /** Use this secret instead of a random one (the bootstrap admin key from TOLLGATE_ADMIN_KEY). */
  secret?: string | undefined;
}

export interface KeyPatch {
  name?: string | undefined;
  allowedModels?: string[] | null | undefined;
  endpoints?: string[] | null | undefined;
  ipAllowlist?: string[] | null | undefined;
  expiresAt?: number | null | undefined;
  /** Rate limits of the key's own (merged onto the current ones; null clears them). */
  rateLimits?: RateLimitSettingsInput | undefined;
}

export interface KeyServiceOptions {
  /** How long an authentication result is cached in memory. Revocation on this instance is immediate. */
  cacheTtlMs: number;
  /** Most valid keys kept in memory (least recently used dropped first). Default 10,000. */
  cacheMax?: number;
  /** Most refusals (unknown, revoked, expired keys) kept in memory, apart from valid keys. Default 1,000. */
  refusalCacheMax?: number;
  /** How often last-used times are written to the store. */
  touchFlushMs?: number;
  now?: () => number;
}

type Refusal = 'invalid_api_key' | 'revoked_api_key' | 'expired_api_key' | 'user_disabled';

/** A load's outcome: a principal (cached for at most `ttl` ms) or why the key is refused. */
type Loaded = { principal: Principal; ttl: number } | { refusal: Refusal };

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Creates, lists, rotates, revokes and authenticates Tollgate keys. Authentication is served from
 * memory: a key's principal (its actor, scopes and the org allowlist) is built once per cache period.
 *
 * Two bounded LRU caches with a TTL: valid keys, and (small, apart) refusals. A spray of random
 * keys only ever touches the refusal cache, so it cannot evict a valid key; concurrent misses for
 * one key share one load. (lru-cache's fetchMethod is not used for the valid cache because its
 * in-flight placeholder takes a slot, so a spray of misses would still evict valid keys.)
 */
export class KeyService {
  private readonly valid: LRUCache<string, Principal>;
  private readonly refused: LRUCache<string, Refusal>;
  private readonly loading = new Map<string, Promise<Loaded>>();
  /** Bumped by every invalidation: a load that started before it is not cached. */
  private generation = 0;
  private readonly touched = new Map<string, { at: number; ip: string | undefined }>();
  private readonly timer: NodeJS.Timeout;
  private readonly now: () => number;

  constructor(
    private readonly store: Store,
    private readonly directory: Directory,
    private readonly options: KeyServiceOptions,
  ) {
    this.now = options.now ?? Date.now;
    const ttl = Math.max(1, options.cacheTtlMs);
    const perf = { now: () => this.now() };
    this.valid = new LRUCache<string, Principal>({ max: options.cacheMax ?? 10_000, ttl, ttlResolution: 0, perf });
    this.refused = new LRUCache<string, Refusal>({ max: options.refusalCacheMax ?? 1_000, ttl, ttlResolution: 0, perf });
    this.timer = setInterval(() => void this.flushTouches(), options.touchFlushMs ?? 5_000);
    this.timer.unref();
  }

  /** Returns the stored key and its secret; the secret is not kept and cannot be shown again. */
  async create(input: CreateKeyInput, ctx: ChangeContext): Promise<{ key: KeyView; secret: string }> {
    const secret = input.secret ?? generateKeySecret();
    const userId = input.userId ?? null;
    const row: KeyRow = {
      id: newId('key'),
      name: input.name,
      prefix: visiblePrefix(secret),
      hash: hashKeySecret(secret),
      owner: null,
      role: userId === null ? (input.role ?? 'member') : 'member',
      allowed_models: json(input.allowedModels),
      created_at: this.now(),
      last_used_at: null,
      expires_at: input.expiresAt ?? null,
      revoked_at: null,
      org_id: input.orgId,
      team_id: input.teamId ?? null,
      user_id: userId,
      endpoints: json(input.endpoints),
      ip_allowlist: json(input.ipAllowlist),
      last_used_ip: null,
      previous_hash: null,
      previous_expires_at: null,
      rotated_at: null,
      rate_limits: input.rateLimits === undefined ? null : mergeRateLimits(null, input.rateLimits),
    };
    await this.store.db.transaction().execute(async (trx) => {
      await trx.insertInto('api_keys').values(row).execute();
      await this.record(trx, ctx, 'key.created', row.id, null, toView(row), row.created_at);
    });
    this.forgetHash(row.hash);
    return { key: toView(row), secret };
  }

  /** Keys the visibility allows, newest first, optionally of one team or user. */
  async list(v: Visibility, filter: { teamId?: string | undefined; userId?: string | undefined } = {}): Promise<KeyView[]> {
    await this.flushTouches();
    let q = this.store.db
      .selectFrom('api_keys')
      .selectAll()
      .where((eb) => visibleWhere(eb, v, { org: 'org_id', team: 'team_id', owner: 'user_id' }));
    if (filter.teamId !== undefined) q = q.where('team_id', '=', filter.teamId);
    if (filter.userId !== undefined) q = q.where('user_id', '=', filter.userId);
    const rows = await q.orderBy('created_at', 'desc').execute();
    return rows.map(toView);
  }

  /** Every key of every organization (the operator's CLI). */
  async listAll(): Promise<KeyView[]> {
    await this.flushTouches();
    return (await this.store.db.selectFrom('api_keys').selectAll().orderBy('created_at', 'desc').execute()).map(toView);
  }

  async get(id: string): Promise<KeyView | undefined> {
    await this.flushTouches();
    const row = await this.row(id);
    return row && toView(row);
  }

  async count(): Promise<number> {
    const r = await this.store.db.selectFrom('api_keys').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** Revokes a key; it stops working on this instance at once. Returns undefined for an unknown id. */
  async revoke(id: string, ctx: ChangeContext): Promise<KeyView | undefined> {
    const row = await this.row(id);
    if (!row) return undefined;
    if (row.revoked_at === null) {
      const before = toView(row);
      row.revoked_at = this.now();
      await this.store.db.transaction().execute(async (trx) => {
        await trx.updateTable('api_keys').set({ revoked_at: row.revoked_at }).where('id', '=', id).execute();
        await this.record(trx, ctx, 'key.revoked', id, before, toView(row), row.revoked_at!);
        await publishChange(trx, this.store.dialect, ACCESS_TOPIC);
      });
    }
    this.forget(row);
    return toView(row);
  }

  /** Changes a key's name, scopes, allowlist or expiry (undefined: unchanged; null: cleared). */
  async update(id: string, patch: KeyPatch, ctx: ChangeContext): Promise<KeyView | undefined> {
    const row = await this.row(id);
    if (!row) return undefined;
    const before = toView(row);
    const next: KeyRow = { ...row };
    if (patch.name !== undefined) next.name = patch.name;
    if (patch.allowedModels !== undefined) next.allowed_models = json(patch.allowedModels);
    if (patch.endpoints !== undefined) next.endpoints = json(patch.endpoints);
    if (patch.ipAllowlist !== undefined) next.ip_allowlist = json(patch.ipAllowlist);
    if (patch.expiresAt !== undefined) next.expires_at = patch.expiresAt;
    if (patch.rateLimits !== undefined) next.rate_limits = mergeRateLimits(row.rate_limits, patch.rateLimits);
    const at = this.now();
    await this.store.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('api_keys')
        .set({ name: next.name, allowed_models: next.allowed_models, endpoints: next.endpoints, ip_allowlist: next.ip_allowlist, expires_at: next.expires_at, rate_limits: next.rate_limits })
        .where('id', '=', id)
        .execute();
      await this.record(trx, ctx, 'key.updated', id, before, toView(next), at);
      await publishChange(trx, this.store.dialect, ACCESS_TOPIC);
    });
    this.forget(row);
    return toView(next);
  }

  /**
   * Gives the key a new secret. The old secret keeps working for `graceMs` (0: stops at once), so
   * callers can switch without an outage. Only the newest previous secret is kept.
   */
  async rotate(id: string, graceMs: number, ctx: ChangeContext): Promise<{ key: KeyView; secret: string } | undefined> {
    const row = await this.row(id);
    if (!row) return undefined;
    if (row.revoked_at !== null) throw fail('key_revoked');
    const before = toView(row);
    const secret = generateKeySecret();
    const at = this.now();
    this.forget(row);
    const next: KeyRow = {
      ...row,
      hash: hashKeySecret(secret),
      prefix: visiblePrefix(secret),
      previous_hash: graceMs > 0 ? row.hash : null,
      previous_expires_at: graceMs > 0 ? at + graceMs : null,
      rotated_at: at,
    };
    await this.store.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('api_keys')
        .set({ hash: next.hash, prefix: next.prefix, previous_hash: next.previous_hash, previous_expires_at: next.previous_expires_at, rotated_at: at })
        .where('id', '=', id)
        .execute();
      await this.record(trx, ctx, 'key.rotated', id, before, toView(next), at, { grace_seconds: Math.round(graceMs / 1000) });
      await publishChange(trx, this.store.dialect, ACCESS_TOPIC);
    });
    return { key: toView(next), secret };
  }

  /** Drops every cached authentication (after a change of roles, user status or allowlists). */
  invalidateAll(): void {
    this.generation++;
    this.valid.clear();
    this.refused.clear();
  }

  /**
   * Resolves an `Authorization` header value to a principal, or throws a 401 TollgateError.
   * Served from an in-memory cache on the hot path; the store is read once per key per TTL.
   */
  /**
   * The principal of a key already in the cache and still valid, without waiting (the hot path);
   * undefined otherwise: then `authenticate` decides (and says why it refuses).
   */
  cachedPrincipal(authorization: string | undefined): Principal | undefined {
    if (authorization === undefined || authorization.length < 10 || (authorization.charCodeAt(0) | 32) !== 98 /* b */) return undefined;
    const match = BEARER.exec(authorization);
    const secret = match?.[1];
    if (!secret || !looksLikeKey(secret)) return undefined;
    const principal = this.valid.get(hashKeySecret(secret));
    if (!principal || (principal.expiresAt !== null && principal.expiresAt <= this.now())) return undefined;
    return principal;
  }

  async authenticate(authorization: string | undefined): Promise<Principal> {
    if (!authorization) throw fail('missing_api_key');
    const match = BEARER.exec(authorization);
    const secret = match?.[1];
    if (!secret || !looksLikeKey(secret)) throw fail('invalid_api_key');
    const hash = hashKeySecret(secret);
    const now = this.now();
    let principal = this.valid.get(hash) ?? (await this.lookUp(hash));
    if (principal.expiresAt !== null && principal.expiresAt <= now) {
      // Cached past its end (an expiry, or a rotated secret's grace): the store says which refusal.
      this.valid.delete(hash);
      principal = await this.lookUp(hash);
      if (principal.expiresAt !== null && principal.expiresAt <= now) throw fail('expired_api_key');
    }
    return principal;
  }

  /** A cache miss: a remembered refusal, or one load shared by every concurrent request for the key. */
  private async lookUp(hash: string): Promise<Principal> {
    const refusal = this.refused.get(hash);
    if (refusal) throw fail(refusal);
    let pending = this.loading.get(hash);
    if (!pending) {
      const generation = this.generation;
      pending = this.load(hash, this.now()).then(
        (loaded) => {
          if (generation === this.generation) {
            if ('principal' in loaded) this.valid.set(hash, loaded.principal, { ttl: loaded.ttl });
            else this.refused.set(hash, loaded.refusal);
          }
          return loaded;
        },
      );
      pending.finally(() => this.loading.delete(hash)).catch(() => {});
      this.loading.set(hash, pending);
    }
    const loaded = await pending;
    if ('refusal' in loaded) throw fail(loaded.refusal);
    return loaded.principal;
  }

  /** Notes a use of the key that was admitted (written with the next flush of last-used times). */
  touch(principal: Principal, ip: string | undefined): void {
    const seen = this.touched.get(principal.keyId);
    if (seen) {
      seen.at = this.now();
      seen.ip = ip;
    } else {
      this.touched.set(principal.keyId, { at: this.now(), ip });
    }
  }

  /** Writes pending last-used times and addresses. */
  async flushTouches(): Promise<void> {
    if (this.touched.size === 0) return;
    const batch = [...this.touched];
    this.touched.clear();
    for (const [id, t] of batch) {
      await this.store.db.updateTable('api_keys').set({ last_used_at: t.at, last_used_ip: t.ip ?? null }).where('id', '=', id).execute();
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flushTouches();
  }

  private row(id: string): Promise<KeyRow | undefined> {
    return this.store.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
  }

  private forget(row: KeyRow): void {
    this.forgetHash(row.hash);
    if (row.previous_hash) this.forgetHash(row.previous_hash);
  }

  private forgetHash(hash: string): void {
    // A load in flight for this key started before the change: it must not be cached.
    if (this.loading.has(hash)) this.generation++;
    this.valid.delete(hash);
    this.refused.delete(hash);
  }

  private async record(trx: Transaction<Database>, ctx: ChangeContext, action: string, target: string, before: unknown, after: unknown, at: number, details?: Record<string, unknown>) {
    await appendAuditEvent(trx, changeRecord(ctx, { action, target, before, after, details }, at));
  }

  private async load(hash: string, now: number): Promise<Loaded> {
    const row = await this.store.db
      .selectFrom('api_keys')
      .selectAll()
      .where((eb) => eb.or([eb('hash', '=', hash), eb('previous_hash', '=', hash)]))
      .executeTakeFirst();
    return this.entryFor(row, hash, now);
  }

  private async entryFor(row: KeyRow | undefined, hash: string, now: number): Promise<Loaded> {
    const refuse = (refusal: Refusal): Loaded => ({ refusal });
    if (!row || row.org_id === null) return refuse('invalid_api_key');
    if (row.revoked_at !== null) return refuse('revoked_api_key');
    let expiresAt = row.expires_at;
    if (row.hash !== hash) {
      // An old secret after a rotation: valid only until its grace period ends.
      if (row.previous_expires_at === null || row.previous_expires_at <= now) return refuse('invalid_api_key');
      expiresAt = expiresAt === null ? row.previous_expires_at : Math.min(expiresAt, row.previous_expires_at);
    }
    if (expiresAt !== null && expiresAt <= now) return refuse(row.hash === hash ? 'expired_api_key' : 'invalid_api_key');
    let actor: Actor | undefined;
    if (row.user_id !== null) {
      actor = await this.directory.loadActor(row.user_id);
      if (!actor) return refuse('user_disabled');
    } else {
      actor = { userId: row.id, orgId: row.org_id, memberships: row.team_id ? [{ teamId: row.team_id, role: row.role as RoleName }] : [] };
    }
    const org = await this.directory.getOrg(row.org_id);
    const orgList = org?.ip_allowlist ? IpAllowlist.parse(JSON.parse(org.ip_allowlist)) : null;
    const keyList = row.ip_allowlist ? IpAllowlist.parse(JSON.parse(row.ip_allowlist)) : null;
    const endpoints = row.endpoints ? (JSON.parse(row.endpoints) as string[]) : null;
    const models = row.allowed_models ? (JSON.parse(row.allowed_models) as string[]) : null;
    const principal: Principal = {
      keyId: row.id,
      keyPrefix: row.prefix,
      name: row.name,
      orgId: row.org_id,
      teamId: row.team_id,
      userId: row.user_id,
      actor,
      gatewayAllowed: isAllowed(actor, 'gateway.call', { orgId: row.org_id, teamId: row.team_id, ownerUserId: row.user_id }),
      allowedModels: models ? modelMatcher(models) : null,
      endpoints: endpoints ? new Set(endpoints) : null,
      ipRule: orgList || keyList ? combineAllowlists(orgList, keyList) : null,
      expiresAt,
      allowUnpricedModels: org?.allow_unpriced_models === 1,
    };
    // An expired grace period must not be served from cache past its end.
    const ttl = this.options.cacheTtlMs;
    return { principal, ttl: Math.max(1, expiresAt === null ? ttl : Math.min(ttl, expiresAt - now)) };
  }
}

const json = (v: unknown[] | null | undefined) => (v ? JSON.stringify(v) : null);
