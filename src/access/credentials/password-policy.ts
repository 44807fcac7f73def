import { fail } from '../../errors/index.ts';

/** Shortest password accepted, in characters (Unicode code points). */
export const PASSWORD_MIN_LENGTH = 12;
/** Longest password accepted: bounds the work one sign-in can cause. */
export const PASSWORD_MAX_LENGTH = 256;

/**
 * Checks a new password against the policy: 12 to 256 characters, not only whitespace.
 * Throws 400 `weak_password` with `param` naming the field (default `password`).
 * No composition rules (digits, symbols): length matters more, as NIST SP 800-63B advises.
 * @example assertPasswordPolicy(body.new_password, 'new_password');
 */
export function assertPasswordPolicy(password: unknown, param = 'password'): asserts password is string {
  if (typeof password !== 'string') {
    throw fail('weak_password', { param, reason: 'expected a string' });
  }
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    throw fail('weak_password', { param, reason: `must be at least ${PASSWORD_MIN_LENGTH} characters` });
  }
  if (length > PASSWORD_MAX_LENGTH) {
    throw fail('weak_password', { param, reason: `must be at most ${PASSWORD_MAX_LENGTH} characters` });
  }
  if (password.trim() === '') {
    throw fail('weak_password', { param, reason: 'must not be only whitespace' });
  }
}
