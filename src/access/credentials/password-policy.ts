import { errors } from '../../http/errors.ts';

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
    throw errors.badRequest('weak_password', `Invalid '${param}': expected a string.`, param);
  }
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    throw errors.badRequest('weak_password', `Invalid '${param}': must be at least ${PASSWORD_MIN_LENGTH} characters.`, param);
  }
  if (length > PASSWORD_MAX_LENGTH) {
    throw errors.badRequest('weak_password', `Invalid '${param}': must be at most ${PASSWORD_MAX_LENGTH} characters.`, param);
  }
  if (password.trim() === '') {
    throw errors.badRequest('weak_password', `Invalid '${param}': must not be only whitespace.`, param);
  }
}
