import { parseDuration } from './openai-duration.ts';

/** Reads one response header (undici's and fetch's headers both fit through `headerGetter`). */
export type HeaderGetter = (name: string) => string | null | undefined;

/** Adapts a plain header record (undici's `IncomingHttpHeaders`) to a getter. */
export function headerGetter(headers: Record<string, string | string[] | undefined>): HeaderGetter {
  return (name) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
}

/** What an upstream said it has left of one limit. */
export interface LimitReading {
  limit: number;
  remaining: number;
  /** Epoch ms when the upstream said the limit is full again. */
  resetAt: number;
}

/** An upstream's own rate-limit state, from its `x-ratelimit-*` headers. */
export interface Headroom {
  requests: LimitReading | undefined;
  tokens: LimitReading | undefined;
}

/**
 * Reads `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` from an upstream response.
 * A dimension whose headers are missing or malformed is undefined.
 * @example readHeadroom(headerGetter(res.headers), Date.now())
 */
export function readHeadroom(get: HeaderGetter, now: number): Headroom {
  return { requests: reading(get, 'requests', now), tokens: reading(get, 'tokens', now) };
}

function reading(get: HeaderGetter, kind: 'requests' | 'tokens', now: number): LimitReading | undefined {
  const limit = Number(get(`x-ratelimit-limit-${kind}`) ?? NaN);
  const remaining = Number(get(`x-ratelimit-remaining-${kind}`) ?? NaN);
  const reset = parseDuration(get(`x-ratelimit-reset-${kind}`));
  if (!Number.isFinite(limit) || limit <= 0 || !Number.isFinite(remaining) || remaining < 0 || reset === undefined) return undefined;
  return { limit, remaining, resetAt: now + reset };
}

/**
 * Whether a reading says the upstream is nearly exhausted at `now`: less than `fraction` of its
 * limit left (or fewer than `tokensNeeded` tokens), and its reset still ahead.
 */
export function nearlyExhausted(h: Headroom, now: number, fraction: number, tokensNeeded = 0): boolean {
  const low = (r: LimitReading | undefined, need: number) => r !== undefined && now < r.resetAt && (r.remaining < r.limit * fraction || r.remaining < need);
  return low(h.requests, 1) || low(h.tokens, tokensNeeded);
}
