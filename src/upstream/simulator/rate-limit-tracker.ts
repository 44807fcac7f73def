/**
 * Produces OpenAI's `x-ratelimit-*` headers from a one-minute window of
 * simulated usage. The simulator never enforces these limits itself; 429s
 * come only from faults, which report the window as exhausted.
 */

const WINDOW_MS = 60_000;

/** Limits advertised per minute (roughly a high usage tier). */
export const REQUESTS_PER_MINUTE = 10_000;
export const TOKENS_PER_MINUTE = 30_000_000;

/** Formats a duration like OpenAI's reset headers: "120ms", "1.5s", "6m0s". */
export function formatResetDuration(ms: number): string {
  const rounded = Math.max(0, Math.round(ms));
  if (rounded < 1000) return `${rounded}ms`;
  if (rounded < 60_000) return `${Number((rounded / 1000).toFixed(3))}s`;
  const minutes = Math.floor(rounded / 60_000);
  const seconds = Math.floor((rounded % 60_000) / 1000);
  return `${minutes}m${seconds}s`;
}

/** Tracks usage in the current window and renders the headers. */
export class RateLimitTracker {
  #windowStart = 0;
  #requests = 0;
  #tokens = 0;

  #roll(now: number): void {
    if (now - this.#windowStart >= WINDOW_MS) {
      this.#windowStart = now;
      this.#requests = 0;
      this.#tokens = 0;
    }
  }

  /** Counts one request using `tokens` and returns the headers describing the window after it. */
  record(tokens: number, now = Date.now()): Record<string, string> {
    this.#roll(now);
    this.#requests++;
    this.#tokens += tokens;
    const reset = formatResetDuration(this.#windowStart + WINDOW_MS - now);
    return {
      'x-ratelimit-limit-requests': String(REQUESTS_PER_MINUTE),
      'x-ratelimit-remaining-requests': String(Math.max(0, REQUESTS_PER_MINUTE - this.#requests)),
      'x-ratelimit-reset-requests': reset,
      'x-ratelimit-limit-tokens': String(TOKENS_PER_MINUTE),
      'x-ratelimit-remaining-tokens': String(Math.max(0, TOKENS_PER_MINUTE - this.#tokens)),
      'x-ratelimit-reset-tokens': reset,
    };
  }

  /** Headers for a request-rate 429: nothing left until `retryAfterSeconds` passes. */
  exhausted(retryAfterSeconds: number): Record<string, string> {
    const reset = formatResetDuration(retryAfterSeconds * 1000);
    return {
      'x-ratelimit-limit-requests': String(REQUESTS_PER_MINUTE),
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': reset,
      'x-ratelimit-limit-tokens': String(TOKENS_PER_MINUTE),
      'x-ratelimit-remaining-tokens': String(Math.max(0, TOKENS_PER_MINUTE - this.#tokens)),
      'x-ratelimit-reset-tokens': reset,
    };
  }
}
