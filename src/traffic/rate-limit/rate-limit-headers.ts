import type { BucketState } from '../../state/index.ts';
import { formatDuration } from '../../upstream/index.ts';

/** One dimension of the headers: the tightest bucket of that kind. */
export interface LimitView {
  limit: number;
  remaining: number;
  /** Milliseconds until the bucket is full again. */
  resetMs: number;
}

/** What OpenAI's `x-ratelimit-*` headers report: the tightest requests and tokens limits that applied. */
export interface RateLimitSnapshot {
  requests: LimitView | undefined;
  tokens: LimitView | undefined;
}

export const NO_SNAPSHOT: RateLimitSnapshot = Object.freeze({ requests: undefined, tokens: undefined });

/** The bucket with the least remaining (the later reset on a tie), or undefined for none. */
export function tightest(states: readonly BucketState[]): LimitView | undefined {
  let best: BucketState | undefined;
  for (const s of states) {
    if (!best || s.remaining < best.remaining || (s.remaining === best.remaining && s.resetMs > best.resetMs)) best = s;
  }
  return best && { limit: best.limit, remaining: best.remaining, resetMs: best.resetMs };
}

/**
 * `x-ratelimit-limit-*`, `x-ratelimit-remaining-*` and `x-ratelimit-reset-*` for requests and tokens,
 * in OpenAI's formats (counts as integers, resets as "6m0s"-style durations). Empty when no limit applied.
 * @example rateLimitHeaders({ requests: { limit: 60, remaining: 59, resetMs: 1_000 }, tokens: undefined })
 *   // { 'x-ratelimit-limit-requests': '60', 'x-ratelimit-remaining-requests': '59', 'x-ratelimit-reset-requests': '1s' }
 */
export function rateLimitHeaders(s: RateLimitSnapshot): Record<string, string> {
  const h: Record<string, string> = {};
  for (const kind of ['requests', 'tokens'] as const) {
    const v = s[kind];
    if (!v) continue;
    h[`x-ratelimit-limit-${kind}`] = String(v.limit);
    h[`x-ratelimit-remaining-${kind}`] = String(v.remaining);
    h[`x-ratelimit-reset-${kind}`] = formatDuration(v.resetMs);
  }
  return h;
}
