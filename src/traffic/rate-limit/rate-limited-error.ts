import { ERROR_TABLE, TollgateError, type OpenAIErrorBody } from '../../errors/index.ts';
import { formatDuration } from '../../upstream/index.ts';
import { rateLimitHeaders, type RateLimitSnapshot } from './rate-limit-headers.ts';

/** Which limit refused: requests or tokens per minute, or concurrent requests. */
export type RateLimitKind = 'requests' | 'tokens' | 'concurrency';

export interface RateLimitRefusal {
  kind: RateLimitKind;
  /** The rule that refused, e.g. `team team_1 on gpt-4o*`. */
  label: string;
  model: string;
  limit: number;
  /** What the limit had left (tokens may be fewer than requested). */
  remaining: number;
  requested: number;
  /** Milliseconds until the request would fit; null when it never can (more tokens than the limit). */
  retryAfterMs: number | null;
  snapshot: RateLimitSnapshot;
}

const PER_MINUTE: Record<RateLimitKind, string> = {
  requests: 'requests per min (RPM)',
  tokens: 'tokens per min (TPM)',
  concurrency: 'concurrent requests',
};

/**
 * 429 `rate_limit_exceeded`, shaped as OpenAI's own: body `type` is `requests` or `tokens`, the
 * message says the limit and when to try again, and the headers carry `x-ratelimit-*`,
 * `Retry-After` (whole seconds, at least 1) and `retry-after-ms`. A request larger than its tokens
 * limit can never pass: it gets `x-should-retry: false` instead, so SDKs do not retry it.
 * @example throw new RateLimitedError(refusal)
 */
export class RateLimitedError extends TollgateError {
  override name = 'RateLimitedError';
  readonly refusal: RateLimitRefusal;

  constructor(refusal: RateLimitRefusal) {
    const headers = rateLimitHeaders(refusal.snapshot);
    if (refusal.retryAfterMs === null) {
      headers['x-should-retry'] = 'false';
    } else {
      headers['retry-after'] = String(Math.max(1, Math.ceil(refusal.retryAfterMs / 1_000)));
      headers['retry-after-ms'] = String(Math.max(1, Math.ceil(refusal.retryAfterMs)));
    }
    // Status and type from the table; the message is OpenAI's own wording (tools parse it), so it is
    // built here rather than from the table's template, which is the sign-in throttle's.
    const spec = ERROR_TABLE.rate_limit_exceeded;
    super('rate_limit_exceeded', message(refusal), { status: spec.status, type: spec.type, retry: refusal.retryAfterMs !== null, headers });
    this.refusal = refusal;
  }

  override toBody(): OpenAIErrorBody {
    const body = super.toBody();
    body.error.type = this.refusal.kind === 'tokens' ? 'tokens' : 'requests';
    return body;
  }
}

function message(r: RateLimitRefusal): string {
  const where = `for ${r.model} (${r.label}) on ${PER_MINUTE[r.kind]}`;
  if (r.retryAfterMs === null) {
    return `Request too large ${where}: Limit ${r.limit}, Requested ${r.requested}. The input or output tokens must be reduced in order to run successfully.`;
  }
  const used = r.kind === 'concurrency' ? `, In flight ${r.limit - r.remaining}` : `, Remaining ${r.remaining}`;
  return `Rate limit reached ${where}: Limit ${r.limit}${used}, Requested ${r.requested}. Please try again in ${formatDuration(r.retryAfterMs)}.`;
}
