import { ACCOUNT_THROTTLE, IP_THROTTLE, throttleDelayMs, type ThrottlePolicy } from './throttle-policy.ts';

/** Whose attempts these are. Normalise `account` (e.g. the lowercased email) before passing it. */
export interface ThrottleSubject {
  account: string;
  ip: string;
}

export interface ThrottleDecision {
  allowed: boolean;
  /** 0 when allowed; otherwise how long until the next attempt may be made (for `Retry-After`). */
  retryAfterMs: number;
}

/**
 * Slows and locks repeated failed sign-ins, per account and per IP. Call `check` before verifying
 * a password, then `recordFailure` or `recordSuccess`. Async so a Redis adapter (shared across
 * gateway instances) can implement the same interface.
 */
export interface LoginThrottle {
  check(subject: ThrottleSubject): Promise<ThrottleDecision>;
  recordFailure(subject: ThrottleSubject): Promise<ThrottleDecision>;
  /** Resets the account's counter. The IP's counter is left to expire: otherwise one valid account would let an attacker reset it between guesses at others. */
  recordSuccess(subject: ThrottleSubject): Promise<void>;
}

export interface MemoryLoginThrottleOptions {
  account?: Readonly<ThrottlePolicy>;
  ip?: Readonly<ThrottlePolicy>;
  /** Most keys remembered; the least recently touched are dropped first. Default 100,000. */
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  failures: number;
  lastFailureAt: number;
  blockedUntil: number;
  forgetAt: number;
}

/**
 * In-process {@link LoginThrottle}: one entry per account and per IP, dropped once expired and
 * bounded by an LRU cap, so an attacker cycling through addresses cannot exhaust memory.
 * @example
 * const throttle = new MemoryLoginThrottle();
 * const d = await throttle.check({ account: email, ip: req.ip });
 * if (!d.allowed) throw tooManyAttempts(d.retryAfterMs);
 */
export class MemoryLoginThrottle implements LoginThrottle {
  private readonly entries = new Map<string, Entry>();
  private readonly account: Readonly<ThrottlePolicy>;
  private readonly ip: Readonly<ThrottlePolicy>;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: MemoryLoginThrottleOptions = {}) {
    this.account = options.account ?? ACCOUNT_THROTTLE;
    this.ip = options.ip ?? IP_THROTTLE;
    this.maxEntries = options.maxEntries ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  async check(subject: ThrottleSubject): Promise<ThrottleDecision> {
    const now = this.now();
    const wait = Math.max(this.waitMs(`a:${subject.account}`, now), this.waitMs(`i:${subject.ip}`, now));
    return { allowed: wait === 0, retryAfterMs: wait };
  }

  async recordFailure(subject: ThrottleSubject): Promise<ThrottleDecision> {
    const now = this.now();
    const a = this.fail(`a:${subject.account}`, this.account, now);
    const i = this.fail(`i:${subject.ip}`, this.ip, now);
    const wait = Math.max(a, i);
    return { allowed: wait === 0, retryAfterMs: wait };
  }

  async recordSuccess(subject: ThrottleSubject): Promise<void> {
    this.entries.delete(`a:${subject.account}`);
  }

  /** Number of keys held (for tests and metrics). */
  get size(): number {
    return this.entries.size;
  }

  private waitMs(key: string, now: number): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    if (now >= e.forgetAt) {
      this.entries.delete(key);
      return 0;
    }
    return Math.max(0, e.blockedUntil - now);
  }

  private fail(key: string, policy: Readonly<ThrottlePolicy>, now: number): number {
    let e = this.entries.get(key);
    const stale = e && (now >= e.forgetAt || (e.failures >= policy.lockAfter && now >= e.blockedUntil));
    if (!e || stale) e = { failures: 0, lastFailureAt: now, blockedUntil: 0, forgetAt: 0 };
    e.failures++;
    e.lastFailureAt = now;
    const delay = throttleDelayMs(e.failures, policy);
    e.blockedUntil = now + delay;
    e.forgetAt = Math.max(e.blockedUntil, now + policy.windowMs);
    this.entries.delete(key);
    this.entries.set(key, e);
    this.evict();
    return delay;
  }

  /** Drops the least recently failed keys (the Map keeps insertion order); O(1) per call. */
  private evict(): void {
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) return;
      this.entries.delete(key);
    }
  }
}
