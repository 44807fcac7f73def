import { z } from 'zod';
import { fail } from '../../errors/index.ts';

/** RFC 5321's limit on a forward path; no deliverable address is longer. */
export const EMAIL_MAX_LENGTH = 254;
const LOCAL_PART_MAX_LENGTH = 64;
const EmailSchema = z.email();

/**
 * Validates an email address and returns its canonical form: trimmed and lowercased, so that
 * `Ana@Example.com` and `ana@example.com` are one account. Throws 400 `invalid_email` with
 * `param` naming the field (default `email`).
 * @example parseEmailAddress(' Ana@Example.com ') // 'ana@example.com'
 * @example parseEmailAddress(body.owner, 'owner')
 */
export function parseEmailAddress(input: unknown, param = 'email'): string {
  if (typeof input !== 'string') throw invalid(param, 'expected a string');
  const email = input.trim().toLowerCase();
  if (email.length > EMAIL_MAX_LENGTH) throw invalid(param, `must be at most ${EMAIL_MAX_LENGTH} characters`);
  const at = email.lastIndexOf('@');
  if (at > LOCAL_PART_MAX_LENGTH) throw invalid(param, `the part before '@' must be at most ${LOCAL_PART_MAX_LENGTH} characters`);
  if (!EmailSchema.safeParse(email).success) throw invalid(param, 'not a valid email address');
  return email;
}

const invalid = (param: string, reason: string) => fail('invalid_email', { param, reason });
