import { fail } from '../../errors/index.ts';

/** The request header that opts in (`on`) or out (`off`) of the response cache. */
export const CACHE_HEADER = 'x-tollgate-cache';
/** The response header that says what the cache did: `hit`, `miss` or `bypass`. */
export const CACHE_STATUS_HEADER = 'x-tollgate-cache-status';

export type CacheDirective = 'on' | 'off' | undefined;

/**
 * Reads `x-tollgate-cache`; anything but `on` or `off` is a 400 naming the header.
 * @example parseCacheDirective(req.headers['x-tollgate-cache'])
 */
export function parseCacheDirective(value: string | string[] | undefined): CacheDirective {
  if (value === undefined) return undefined;
  const v = (Array.isArray(value) ? value.join(',') : value).trim().toLowerCase();
  if (v === 'on' || v === 'off') return v;
  throw fail('invalid_header', { header: CACHE_HEADER, reason: "expected 'on' or 'off'" }, { param: CACHE_HEADER });
}

/**
 * Whether a request may be answered from (and stored in) the cache. Only deterministic requests
 * are: `temperature: 0`, or an integer `seed`, or the caller opted in with `x-tollgate-cache: on`.
 * `off` always bypasses. A request whose answer depends on state the request does not carry
 * (a previous response or a conversation held upstream) or that runs in the background never is.
 * @example isCacheable(body, parseCacheDirective(header)) // → true for { temperature: 0, … }
 */
export function isCacheable(body: Readonly<Record<string, unknown>>, directive: CacheDirective): boolean {
  if (directive === 'off') return false;
  if (body.previous_response_id != null || body.conversation != null || body.background === true) return false;
  if (directive === 'on') return true;
  return body.temperature === 0 || Number.isInteger(body.seed);
}
