import { fail, type TollgateError } from '../../errors/index.ts';

/** The one answer to a wrong email, a wrong password, a disabled account or an account without a password. */
export const invalidCredentials = (): TollgateError => fail('invalid_credentials');

/** The password was right; the account has two-factor authentication and no code came with it. */
export const totpRequired = (): TollgateError => fail('totp_required');

/** A wrong, malformed or already used two-factor code at sign-in (401); on an account change it is 400 `incorrect_totp_code`. */
export const invalidTotpCode = (param: string): TollgateError => fail('invalid_totp_code', {}, { param });

/** A wrong or already used recovery code at sign-in. */
export const invalidRecoveryCode = (): TollgateError => fail('invalid_recovery_code');

/**
 * Too many failed attempts for this account or address: slowed, then locked. `x-should-retry` says
 * whether waiting Retry-After is worth it for a client (a slow-down of seconds, not a lock of minutes).
 */
export const tooManyAttempts = (retryAfterMs: number, what = 'sign-in'): TollgateError => {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return fail('too_many_sign_in_attempts', { what, seconds }, { headers: { 'retry-after': String(seconds), 'x-should-retry': seconds <= 60 ? 'true' : 'false' } });
};
