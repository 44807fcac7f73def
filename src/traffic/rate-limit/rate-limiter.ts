import pino, { type Logger } from 'pino';
import { fail } from '../../errors/index.ts';
import type { BucketTake, Counters } from '../../state/counters/index.ts';
import { RateLimitAdmission } from './rate-limit-admission.ts';
import { NO_SNAPSHOT, tightest, type RateLimitSnapshot } from './rate-limit-headers.ts';
import type { RateLimitRule } from './rate-limit-rule.ts';
import type { RateLimitRules, RateLimitSubject } from './rate-limit-rules.ts';
import { RateLimitedError, type RateLimitKind } from './rate-limited-error.ts';

export interface RateLimiterOptions {
  /** In-process (MemoryCounters) for one instance, RedisCounters for many. */
  counters: Counters;
  rules: RateLimitRules;
  /** Lease of a concurrency slot; a process that dies gives its slots back after this. Default 60 s. */
  leaseTtlMs?: number | undefined;
  /** How often a running request renews its lease. Default a third of the TTL. */
  renewEveryMs?: number | undefined;
  /** When the counters cannot be reached: refuse (503, default) or admit without limits (logged). */
  onCountersError?: 'closed' | 'open' | undefined;
  log?: Logger | undefined;
}

const MINUTE = 60_000;

/**
 * Rate limits per key, user, team, organization and model: requests per minute, tokens per minute
 * (estimated at admission, corrected with actual usage at settle) and concurrent requests (leases
 * that expire when a process dies). Each admission is at most two counters calls (a concurrency
 * reservation when a concurrency limit applies, then one take of every requests/tokens bucket), each
 * atomic across instances on Redis.
 * @example
 * const limiter = new RateLimiter({ counters, rules: new RateLimitRules(parseRateLimitRules(cfg)) });
 * const admission = await limiter.admit({ keyId, userId, teamId, orgId }, 'gpt-4o', estimatedTokens); // throws RateLimitedError (429)
 */
export class RateLimiter {
  private readonly counters: Counters;
  private readonly leaseTtlMs: number;
  private readonly renew: { everyMs: number; leaseTtlMs: number };
  private readonly log: Logger;
  private rules: RateLimitRules;

  constructor(private readonly options: RateLimiterOptions) {
    this.counters = options.counters;
    this.rules = options.rules;
    this.leaseTtlMs = options.leaseTtlMs ?? MINUTE;
    this.renew = { everyMs: options.renewEveryMs ?? Math.max(1, Math.floor(this.leaseTtlMs / 3)), leaseTtlMs: this.leaseTtlMs };
    this.log = options.log ?? pino({ level: 'silent' });
  }

  /** Whether any limit is in force (false: the gateway skips the limiter altogether). */
  get active(): boolean {
    return this.rules.size > 0;
  }

  /** Replaces the limits in force (configured ones plus keys' and teams' own, reloaded when they change). */
  setRules(rules: RateLimitRules): void {
    this.rules = rules;
  }

  /**
   * Admits a request or throws RateLimitedError (429 with OpenAI's headers). `estimatedTokens` is
   * the request's worst case (prompt + max output) for tokens-per-minute limits. Throws a 503
   * `rate_limiter_unavailable` when the counters fail and the limiter fails closed.
   */
  async admit(subject: RateLimitSubject, model: string, estimatedTokens: number): Promise<RateLimitAdmission> {
    if (!Number.isSafeInteger(estimatedTokens) || estimatedTokens < 0) throw new RangeError(`estimated tokens must be a non-negative integer, got ${estimatedTokens}`);
    const rules = this.rules.for(subject, model);
    if (rules.length === 0) return new RateLimitAdmission(undefined, undefined, null, [], estimatedTokens, NO_SNAPSHOT, undefined);
    try {
      return await this.check(rules, model, estimatedTokens);
    } catch (err) {
      if (err instanceof RateLimitedError || err instanceof RangeError) throw err;
      if (this.options.onCountersError === 'open') {
        this.log.warn({ err }, 'rate limit counters unreachable; admitting without limits (fail open)');
        return new RateLimitAdmission(undefined, undefined, null, [], estimatedTokens, NO_SNAPSHOT, undefined);
      }
      this.log.error({ err }, 'rate limit counters unreachable; refusing (fail closed)');
      throw fail('rate_limiter_unavailable', {}, { headers: { 'retry-after': '1' }, cause: err });
    }
  }

  private async check(rules: RateLimitRule[], model: string, estimate: number): Promise<RateLimitAdmission> {
    const slots = rules.filter((r) => r.maxConcurrent !== undefined);
    let leaseId: string | null = null;
    if (slots.length > 0) {
      const r = await this.counters.reserve(
        slots.map((s) => ({ key: s.keys.concurrency, limit: s.maxConcurrent!, base: 0 })),
        1,
        { ttlMs: this.leaseTtlMs },
      );
      if (!r.ok) {
        const rule = slots.find((s) => s.keys.concurrency === r.key)!;
        throw new RateLimitedError({
          kind: 'concurrency',
          label: rule.label,
          model,
          limit: r.limit,
          remaining: Math.max(0, r.limit - r.spent - r.reserved),
          requested: 1,
          retryAfterMs: 1_000,
          snapshot: NO_SNAPSHOT,
        });
      }
      leaseId = r.reservationId;
    }

    const takes: BucketTake[] = [];
    const kinds: { kind: RateLimitKind; rule: RateLimitRule }[] = [];
    for (const r of rules) {
      if (r.requestsPerMinute !== undefined) {
        takes.push({ key: r.keys.requests, limit: r.requestsPerMinute, windowMs: MINUTE, amount: 1 });
        kinds.push({ kind: 'requests', rule: r });
      }
      if (r.tokensPerMinute !== undefined) {
        takes.push({ key: r.keys.tokens, limit: r.tokensPerMinute, windowMs: MINUTE, amount: estimate });
        kinds.push({ kind: 'tokens', rule: r });
      }
    }
    if (takes.length === 0) return new RateLimitAdmission(this.counters, this.log, leaseId, [], estimate, NO_SNAPSHOT, this.renew);

    let t;
    try {
      t = await this.counters.take(takes);
    } catch (err) {
      if (leaseId !== null) await this.counters.release(leaseId).catch(() => undefined);
      throw err;
    }
    const snapshot: RateLimitSnapshot = {
      requests: tightest(t.states.filter((_, i) => kinds[i]!.kind === 'requests')),
      tokens: tightest(t.states.filter((_, i) => kinds[i]!.kind === 'tokens')),
    };
    if (!t.ok) {
      if (leaseId !== null) await this.counters.release(leaseId).catch(() => undefined);
      const { kind, rule } = kinds[t.index]!;
      const refused = t.states[t.index]!;
      throw new RateLimitedError({
        kind,
        label: rule.label,
        model,
        limit: refused.limit,
        remaining: refused.remaining,
        requested: takes[t.index]!.amount,
        retryAfterMs: t.retryAfterMs < 0 ? null : t.retryAfterMs,
        snapshot,
      });
    }
    const tokenBuckets = takes.filter((_, i) => kinds[i]!.kind === 'tokens').map(({ key, limit, windowMs }) => ({ key, limit, windowMs }));
    return new RateLimitAdmission(this.counters, this.log, leaseId, tokenBuckets, estimate, snapshot, this.renew);
  }
}
