import { parseDuration, parseRetryAfter } from './openai-duration.ts';
import type { HeaderGetter } from './upstream-headroom.ts';

/** How an upstream attempt failed, as far as retrying is concerned. */
export type FailureKind = 'rate_limited' | 'quota' | 'server' | 'timeout' | 'connection' | 'client';

/** What is known about one failed attempt. */
export interface AttemptFailure {
  /** HTTP status; undefined when no response came (connection refused or reset, DNS, timeout). */
  status?: number | undefined;
  /** OpenAI's `error.code` (or `error.type`) from the body, e.g. `insufficient_quota`. */
  errorCode?: string | null | undefined;
  headers?: HeaderGetter | undefined;
}

/** OpenAI's codes for a 429 that waiting does not fix: the account is out of money or quota. */
const QUOTA_CODES = new Set(['insufficient_quota', 'billing_hard_limit_reached', 'billing_not_active', 'access_terminated']);

/**
 * Classifies a failed attempt. A 429 is a rate limit unless its code says quota or billing
 * (`insufficient_quota`): that one is not retried on the same upstream.
 * @example classifyFailure({ status: 429, errorCode: 'insufficient_quota' }) === 'quota'
 */
export function classifyFailure(f: AttemptFailure): FailureKind {
  if (f.status === undefined) return 'connection';
  if (f.status === 429) return f.errorCode && QUOTA_CODES.has(f.errorCode) ? 'quota' : 'rate_limited';
  if (f.status === 408) return 'timeout';
  if (f.status >= 500) return 'server';
  return 'client';
}

export interface RetryPolicyOptions {
  /** Attempts in all, the first included. Default 3. */
  maxAttempts?: number | undefined;
  /** First backoff ceiling; doubles per attempt. Default 500 ms. */
  baseDelayMs?: number | undefined;
  /** Largest backoff ceiling. Default 8 s. */
  maxDelayMs?: number | undefined;
  /** Whole time a request may take, attempts and waits included. Default 60 s. */
  deadlineMs?: number | undefined;
  random?: (() => number) | undefined;
}

export interface RetryInput {
  /** The attempt that just failed, 1-based. */
  attempt: number;
  failure: AttemptFailure;
  /** Epoch ms when the request's first attempt started. */
  startedAt: number;
  now: number;
  /** A byte of the response already reached the client: never retried (it would be sent twice). */
  streamStarted?: boolean | undefined;
}

export type RetryDecision =
  | {
      retry: true;
      /** Wait this long before the next attempt: the larger of the backoff and the minimum wait. */
      delayMs: number;
      /** The jittered exponential backoff alone (enough when the next attempt goes to another deployment). */
      backoffMs: number;
      /** What the upstream asked for (Retry-After, reset of an exhausted limit); 0 when nothing. */
      minWaitMs: number;
      kind: FailureKind;
    }
  | { retry: false; reason: 'not_retryable' | 'quota' | 'upstream_said_no' | 'stream_started' | 'attempts' | 'deadline'; kind: FailureKind; minWaitMs: number };

/**
 * When to try an upstream request again: rate limits (not quota), 5xx, 408 and connection errors,
 * with exponential backoff and full jitter (a random wait between 0 and min(max, base × 2^(n-1))),
 * never sooner than the upstream asked (`retry-after-ms`, `Retry-After` seconds or date, the
 * `x-ratelimit-reset-*` of a limit it reports as exhausted), within an attempt cap and a total deadline.
 * Pure: the caller sleeps and counts.
 * @example
 * const d = policy.decide({ attempt: 1, failure: { status: 503, headers }, startedAt, now: Date.now() });
 * if (d.retry) await sleep(d.delayMs);
 */
export class RetryPolicy {
  readonly maxAttempts: number;
  readonly deadlineMs: number;
  private readonly base: number;
  private readonly max: number;
  private readonly random: () => number;

  constructor(options: RetryPolicyOptions = {}) {
    this.maxAttempts = options.maxAttempts ?? 3;
    this.deadlineMs = options.deadlineMs ?? 60_000;
    this.base = options.baseDelayMs ?? 500;
    this.max = options.maxDelayMs ?? 8_000;
    this.random = options.random ?? Math.random;
  }

  decide(input: RetryInput): RetryDecision {
    const kind = classifyFailure(input.failure);
    const minWaitMs = minimumWait(input.failure.headers, input.now);
    const no = (reason: Extract<RetryDecision, { retry: false }>['reason']): RetryDecision => ({ retry: false, reason, kind, minWaitMs });
    if (input.streamStarted) return no('stream_started');
    if (kind === 'client') return no('not_retryable');
    if (kind === 'quota') return no('quota');
    if (input.failure.headers?.('x-should-retry') === 'false') return no('upstream_said_no');
    if (input.attempt >= this.maxAttempts) return no('attempts');
    const ceiling = Math.min(this.max, this.base * 2 ** (input.attempt - 1));
    const backoffMs = Math.floor(this.random() * ceiling);
    const delayMs = Math.max(backoffMs, minWaitMs);
    if (input.now + delayMs >= input.startedAt + this.deadlineMs) return no('deadline');
    return { retry: true, delayMs, backoffMs, minWaitMs, kind };
  }
}

/**
 * The least wait an upstream asked for: `retry-after-ms`, `Retry-After` (seconds or HTTP date), and
 * the `x-ratelimit-reset-*` of each limit whose `x-ratelimit-remaining-*` is 0. 0 when none.
 */
export function minimumWait(get: HeaderGetter | undefined, now: number): number {
  if (!get) return 0;
  let wait = 0;
  const ms = Number(get('retry-after-ms') ?? NaN);
  if (Number.isFinite(ms) && ms >= 0) wait = Math.max(wait, ms);
  wait = Math.max(wait, parseRetryAfter(get('retry-after'), now) ?? 0);
  for (const kind of ['requests', 'tokens']) {
    if (get(`x-ratelimit-remaining-${kind}`)?.trim() === '0') wait = Math.max(wait, parseDuration(get(`x-ratelimit-reset-${kind}`)) ?? 0);
  }
  return Math.ceil(wait);
}
