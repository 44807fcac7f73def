import { MemoryLoginThrottle, type LoginThrottle } from '../credentials/login-throttle.ts';
import { StoreLoginThrottle } from '../credentials/store-login-throttle.ts';
import { OneTimeTokens } from '../credentials/one-time-token.ts';
import { PasswordHasher } from '../credentials/password-hasher.ts';
import { SqlOneTimeTokenStore } from '../credentials/sql-one-time-token-store.ts';
import { Totp } from '../credentials/totp.ts';
import type { AccessRouteDeps } from '../route-deps.ts';

/** The issuer authenticator apps show next to the account. */
export const TOTP_ISSUER = 'Tollgate';

/** The credential machinery the auth routes share, built once per server. */
export interface AuthServices {
  deps: AccessRouteDeps;
  hasher: PasswordHasher;
  /** Failed sign-ins and failed re-authentications (wrong current password, wrong 2FA code). */
  throttle: LoginThrottle;
  /** Counts password-reset requests, so nobody can flood an inbox. */
  resetThrottle: LoginThrottle;
  totp: Totp;
  tokens: OneTimeTokens;
  now: () => number;
}

/** Password-reset requests per address: 3 free, then one an hour at most; 10 lock the address for an hour. */
const RESET_REQUESTS_PER_ACCOUNT = { slowAfter: 3, baseDelayMs: 60 * 60_000, maxDelayMs: 60 * 60_000, lockAfter: 10, lockMs: 60 * 60_000, windowMs: 60 * 60_000 };
/** Per IP: generous (offices share addresses), but bounded. */
const RESET_REQUESTS_PER_IP = { slowAfter: 30, baseDelayMs: 1_000, maxDelayMs: 60_000, lockAfter: 300, lockMs: 60 * 60_000, windowMs: 60 * 60_000 };

/**
 * Builds the hasher, throttles, TOTP checker and one-time tokens (in the SQL store, so any
 * instance can redeem a link another sent).
 * @example const services = createAuthServices(deps);
 */
export function createAuthServices(deps: AccessRouteDeps): AuthServices {
  const now = deps.now ?? Date.now;
  return {
    deps,
    hasher: new PasswordHasher(),
    throttle: deps.loginThrottle ?? new StoreLoginThrottle(deps.store, { now }),
    resetThrottle: new MemoryLoginThrottle({ account: RESET_REQUESTS_PER_ACCOUNT, ip: RESET_REQUESTS_PER_IP, now }),
    totp: new Totp({ issuer: TOTP_ISSUER, now }),
    tokens: passwordResetTokens(deps),
    now,
  };
}

/** One-time tokens backed by the `one_time_tokens` table. */
export function passwordResetTokens(deps: Pick<AccessRouteDeps, 'store' | 'now'>): OneTimeTokens {
  return new OneTimeTokens(new SqlOneTimeTokenStore(deps.store), deps.now ? { now: deps.now } : {});
}
