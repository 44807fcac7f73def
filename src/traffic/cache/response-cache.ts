import { DEFAULT_MAX_ENTRY_BYTES, type Cache } from './cache.ts';
import { cacheKey, type CacheableEndpoint } from './cache-key.ts';
import { isCacheable, type CacheDirective } from './cache-policy.ts';

/** What a cache entry holds: the complete (non-streamed) answer, as the upstream sent it. */
export interface CachedResponse {
  v: 1;
  endpoint: CacheableEndpoint;
  /** The response body: a chat completion, a Responses `response`, a completion or embeddings list. */
  body: Record<string, unknown>;
  /** Epoch ms it was stored. */
  storedAt: number;
  /** What the answer cost when the upstream gave it (integer nano-dollars; null: unpriced or unmetered): a hit's saving. */
  costNanos?: number | null | undefined;
}

export interface ResponseCacheOptions {
  cache: Cache;
  /** How long an answer is served from the cache. Default 1 hour. */
  ttlMs?: number | undefined;
  /** The largest answer the cache stores (bytes of UTF-8), for callers that gather one. Default 1 MiB. */
  maxEntryBytes?: number | undefined;
  now?: (() => number) | undefined;
  /** Told when the cache underneath fails (a lookup then misses, a store is dropped). */
  onError?: ((err: unknown) => void) | undefined;
}

/** What the route stage decided for one request: `bypass`, or look up and later store under `key`. */
export type CachePlan = { status: 'bypass' } | { status: 'lookup'; key: string; endpoint: CacheableEndpoint };

/**
 * The response cache: which requests it serves, under which key, and what it stores. The route
 * stage calls `plan` then `lookup`; on a miss the call stage calls `store` with the complete answer.
 * A hit is replayed as JSON or, for a streamed request, through `replayChatStream` /
 * `replayResponsesStream`.
 * @example
 * const plan = rc.plan({ orgId, endpoint: 'chat', model, body, directive });
 * const hit = plan.status === 'lookup' ? await rc.lookup(plan) : undefined;
 */
export class ResponseCache {
  private readonly ttlMs: number;
  private readonly now: () => number;
  /** The largest answer stored: a caller gathering a streamed answer stops past it. */
  readonly maxEntryBytes: number;

  constructor(private readonly options: ResponseCacheOptions) {
    this.ttlMs = options.ttlMs ?? 3_600_000;
    this.maxEntryBytes = options.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES;
    this.now = options.now ?? Date.now;
  }

  plan(req: { orgId: string; endpoint: CacheableEndpoint; model: string; body: Readonly<Record<string, unknown>>; directive: CacheDirective }): CachePlan {
    if (!isCacheable(req.body, req.directive)) return { status: 'bypass' };
    return { status: 'lookup', key: cacheKey(req), endpoint: req.endpoint };
  }

  /** The cached answer, or undefined (a miss; also for an unreadable or foreign entry). */
  async lookup(plan: Extract<CachePlan, { status: 'lookup' }>): Promise<CachedResponse | undefined> {
    const text = await this.options.cache.get(plan.key);
    if (text === undefined) return undefined;
    try {
      const entry = JSON.parse(text) as CachedResponse;
      return entry.v === 1 && entry.endpoint === plan.endpoint && entry.body && typeof entry.body === 'object' ? entry : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Stores a complete, successful answer; an incomplete one (a chat choice cut by a content filter,
   * a Responses answer not `completed`) is not stored. Returns whether it was stored.
   */
  async store(plan: Extract<CachePlan, { status: 'lookup' }>, body: Record<string, unknown>, costNanos: number | null = null): Promise<boolean> {
    if (!complete(plan.endpoint, body)) return false;
    const entry: CachedResponse = { v: 1, endpoint: plan.endpoint, body, storedAt: this.now(), costNanos };
    return this.options.cache.set(plan.key, JSON.stringify(entry), this.ttlMs);
  }

  /** Reports a failure of the cache underneath (the caller carries on without it). */
  failed(err: unknown): void {
    this.options.onError?.(err);
  }

  /** Closes the cache underneath (its Redis connection). */
  close(): Promise<void> {
    return this.options.cache.close();
  }
}

function complete(endpoint: CacheableEndpoint, body: Record<string, unknown>): boolean {
  if (endpoint === 'responses') return body.status === 'completed';
  if (endpoint === 'chat' || endpoint === 'completions') {
    const choices = body.choices;
    return Array.isArray(choices) && choices.length > 0 && choices.every((c: { finish_reason?: unknown }) => c.finish_reason !== 'content_filter' && c.finish_reason != null);
  }
  return Array.isArray(body.data);
}
