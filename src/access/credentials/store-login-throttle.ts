import { sql } from 'kysely';
import type { Store } from '../../state/index.ts';
import { sha256Hex } from './constant-time.ts';
import type { LoginThrottle, ThrottleDecision, ThrottleSubject } from './login-throttle.ts';
import { ACCOUNT_THROTTLE, IP_THROTTLE, throttleDelayMs, type ThrottlePolicy } from './throttle-policy.ts';

export interface StoreLoginThrottleOptions {
  account?: Readonly<ThrottlePolicy>;
  ip?: Readonly<ThrottlePolicy>;
  now?: () => number;
}

/**
 * {@link LoginThrottle} kept in the Store, so every gateway instance sharing the database counts
 * the same failures: spreading guesses over instances does not multiply them. Same policy and
 * behaviour as MemoryLoginThrottle. Each failure is one atomic upsert (no lost counts under
 * concurrency); keys are SHA-256 hashes, so typed addresses and client IPs are not stored.
 * Expired rows are deleted by `prune` (hourly housekeeping).
 * @example const throttle = new StoreLoginThrottle(store);
 */
export class StoreLoginThrottle implements LoginThrottle {
  private readonly account: Readonly<ThrottlePolicy>;
  private readonly ip: Readonly<ThrottlePolicy>;
  private readonly now: () => number;

  constructor(
    private readonly store: Store,
    options: StoreLoginThrottleOptions = {},
  ) {
    this.account = options.account ?? ACCOUNT_THROTTLE;
    this.ip = options.ip ?? IP_THROTTLE;
    this.now = options.now ?? Date.now;
  }

  async check(subject: ThrottleSubject): Promise<ThrottleDecision> {
    const now = this.now();
    const rows = await this.store.db
      .selectFrom('login_throttle')
      .select(['blocked_until', 'forget_at'])
      .where('key', 'in', [accountKey(subject), ipKey(subject)])
      .execute();
    const wait = Math.max(0, ...rows.filter((r) => now < Number(r.forget_at)).map((r) => Number(r.blocked_until) - now));
    return { allowed: wait === 0, retryAfterMs: wait };
  }

  async recordFailure(subject: ThrottleSubject): Promise<ThrottleDecision> {
    const now = this.now();
    const a = await this.fail(accountKey(subject), this.account, now);
    const i = await this.fail(ipKey(subject), this.ip, now);
    const wait = Math.max(a, i);
    return { allowed: wait === 0, retryAfterMs: wait };
  }

  async recordSuccess(subject: ThrottleSubject): Promise<void> {
    await this.store.db.deleteFrom('login_throttle').where('key', '=', accountKey(subject)).execute();
  }

  /** Deletes counters forgotten before `before`; returns how many. */
  async prune(before: number = this.now()): Promise<number> {
    const r = await this.store.db.deleteFrom('login_throttle').where('forget_at', '<=', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  /** Counts one failure atomically (a stale or expired-lock counter starts again at 1); returns the delay it causes. */
  private async fail(key: string, policy: Readonly<ThrottlePolicy>, now: number): Promise<number> {
    const row = await this.store.db
      .insertInto('login_throttle')
      .values({ key, failures: 1, blocked_until: now, forget_at: now + policy.windowMs })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          failures: sql<number>`case when login_throttle.forget_at <= ${now}
            or (login_throttle.failures >= ${policy.lockAfter} and login_throttle.blocked_until <= ${now})
            then 1 else login_throttle.failures + 1 end`,
        }),
      )
      .returning('failures')
      .executeTakeFirstOrThrow();
    const delay = throttleDelayMs(Number(row.failures), policy);
    const blockedUntil = now + delay;
    const forgetAt = Math.max(blockedUntil, now + policy.windowMs);
    // Never shortens: a concurrent failure that counted higher (a lock) may have written first.
    await this.store.db
      .updateTable('login_throttle')
      .set({
        blocked_until: sql<number>`case when blocked_until > ${blockedUntil} then blocked_until else ${blockedUntil} end`,
        forget_at: sql<number>`case when forget_at > ${forgetAt} then forget_at else ${forgetAt} end`,
      })
      .where('key', '=', key)
      .execute();
    return delay;
  }
}

const accountKey = (s: ThrottleSubject) => sha256Hex(`a:${s.account}`);
const ipKey = (s: ThrottleSubject) => sha256Hex(`i:${s.ip}`);
