import type { Logger } from 'pino';
import type { BucketAdjust, Counters } from '../../state/index.ts';
import { rateLimitHeaders, type RateLimitSnapshot } from './rate-limit-headers.ts';

/**
 * What a request admitted by the rate limiter holds: its concurrency lease (if a concurrency limit
 * applied) and its token estimate. Settle with the actual token usage when the request completes,
 * or release it when it failed before the upstream used tokens. The first of the two decides; both
 * never reject, so cleanup paths may call them freely.
 * @example
 * const a = await limiter.admit(subject, 'gpt-4o', estimate); reply.headers(a.headers);
 * try { const usage = await call(); await a.settle(usage.total_tokens); } catch (e) { await a.release(); throw e; }
 */
export class RateLimitAdmission {
  private done: Promise<void> | undefined;
  private renewTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly counters: Counters | undefined,
    private readonly log: Logger | undefined,
    /** Concurrency lease id; null when no concurrency limit applied. */
    readonly leaseId: string | null,
    /** Tokens buckets charged with the estimate, to correct at the end. */
    private readonly tokenBuckets: readonly Omit<BucketAdjust, 'delta'>[],
    readonly estimatedTokens: number,
    readonly snapshot: RateLimitSnapshot,
    /** Renew the lease this often, each time for `leaseTtlMs` from then. */
    renew: { everyMs: number; leaseTtlMs: number } | undefined,
  ) {
    if (leaseId !== null && renew !== undefined) {
      // The lease outlives this process only by its TTL: renewing it while the request runs lets the
      // TTL be short, so a process that dies gives its slots back soon.
      this.renewTimer = setInterval(() => {
        this.counters!.renew(leaseId, renew.leaseTtlMs).catch((err: unknown) => this.log?.warn({ err }, 'concurrency lease renewal failed'));
      }, renew.everyMs);
      this.renewTimer.unref();
    }
  }

  /** `x-ratelimit-*` headers for the response, as they stood at admission. */
  get headers(): Record<string, string> {
    return rateLimitHeaders(this.snapshot);
  }

  get state(): 'admitted' | 'ended' {
    return this.done ? 'ended' : 'admitted';
  }

  /** Corrects the tokens limits from the estimate to `actualTokens` and frees the concurrency slot. */
  settle(actualTokens: number): Promise<void> {
    if (!Number.isSafeInteger(actualTokens) || actualTokens < 0) throw new RangeError(`actual tokens must be a non-negative integer, got ${actualTokens}`);
    this.done ??= this.end(actualTokens - this.estimatedTokens);
    return this.done;
  }

  /** Gives the estimated tokens back (nothing was used) and frees the concurrency slot. */
  release(): Promise<void> {
    this.done ??= this.end(-this.estimatedTokens);
    return this.done;
  }

  private async end(delta: number): Promise<void> {
    if (this.renewTimer) clearInterval(this.renewTimer);
    if (!this.counters) return;
    const work: Promise<unknown>[] = [];
    if (this.leaseId !== null) work.push(this.counters.release(this.leaseId));
    if (delta !== 0 && this.tokenBuckets.length > 0) work.push(this.counters.adjust(this.tokenBuckets.map((b) => ({ ...b, delta }))));
    for (const r of await Promise.allSettled(work)) {
      if (r.status === 'rejected') this.log?.error({ err: r.reason, lease: this.leaseId }, 'rate limit settle failed; the lease expires by itself');
    }
  }
}
