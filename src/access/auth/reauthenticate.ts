import type { FastifyRequest } from 'fastify';
import { fail, type TollgateError } from '../../errors/index.ts';
import type { UserRow } from '../directory/directory.ts';
import { tooManyAttempts } from './auth-errors.ts';
import type { AuthServices } from './auth-services.ts';
import { throttleSubject } from './caller.ts';
import { acceptTotpCode } from './second-factor.ts';

/**
 * Asks a signed-in user to prove it is them again (their password or a fresh two-factor code)
 * before a sensitive change. Failures count against the account's sign-in throttle, so a stolen
 * session cannot be used to guess the password or the code; success does not reset the count.
 */
async function proveOrFail(s: AuthServices, user: UserRow, req: FastifyRequest, proof: () => Promise<boolean>, failure: () => TollgateError): Promise<void> {
  const subject = throttleSubject(user, req);
  const gate = await s.throttle.check(subject);
  if (!gate.allowed) throw tooManyAttempts(gate.retryAfterMs, 'verification');
  if (await proof()) return;
  await s.throttle.recordFailure(subject);
  throw failure();
}

/** Checks the user's current password; 400 `incorrect_password` naming `param` when wrong, `no_password` for an SSO account. */
export async function confirmPassword(s: AuthServices, user: UserRow, req: FastifyRequest, password: string, param: string): Promise<void> {
  if (user.password_hash === null) throw fail('no_password', {}, { param });
  await proveOrFail(
    s,
    user,
    req,
    () => s.hasher.verify(user.password_hash, password),
    () => fail('incorrect_password', { param }),
  );
}

/** Accepts a fresh TOTP code once (replay-protected); 400 `incorrect_totp_code` naming `param` when wrong or reused. */
export async function confirmTotpCode(s: AuthServices, user: UserRow, req: FastifyRequest, code: string, param: string): Promise<void> {
  await proveOrFail(s, user, req, () => acceptTotpCode(s.deps.directory, s.totp, user, code), () => fail('incorrect_totp_code', { param }));
}
