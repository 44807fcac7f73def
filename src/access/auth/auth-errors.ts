import { TollgateError } from '../../http/errors.ts';

/** The one answer to a wrong email, a wrong password, a disabled account or an account without a password. */
export const invalidCredentials = () =>
  new TollgateError('invalid_credentials', 'The email or password is incorrect.', { status: 401, type: 'authentication_error' });

/** The password was right; the account has two-factor authentication and no code came with it. */
export const totpRequired = () =>
  new TollgateError('totp_required', "This account uses two-factor authentication: send the code from your authenticator app as 'totp_code' (or a recovery code as 'recovery_code').", {
    status: 401,
    type: 'authentication_error',
    param: 'totp_code',
  });

/** A wrong, malformed or already used two-factor code, at sign-in (401) or on an account change (400). */
export const invalidTotpCode = (param: string, status: 400 | 401 = 401) =>
  new TollgateError('invalid_totp_code', 'The two-factor code is incorrect or was already used.', {
    status,
    type: status === 401 ? 'authentication_error' : 'invalid_request_error',
    param,
  });

/** A wrong or already used recovery code at sign-in. */
export const invalidRecoveryCode = () =>
  new TollgateError('invalid_recovery_code', 'The recovery code is incorrect or was already used.', { status: 401, type: 'authentication_error', param: 'recovery_code' });

/**
 * Too many failed attempts for this account or address: slowed, then locked. `x-should-retry` says
 * whether waiting Retry-After is worth it for a client (a slow-down of seconds, not a lock of minutes).
 */
export const tooManyAttempts = (retryAfterMs: number, what = 'sign-in') => {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new TollgateError('too_many_sign_in_attempts', `Too many failed ${what} attempts; try again in ${seconds} seconds.`, {
    status: 429,
    type: 'rate_limit_error',
    headers: { 'retry-after': String(seconds), 'x-should-retry': seconds <= 60 ? 'true' : 'false' },
  });
};
