import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { fail } from '../../errors/index.ts';
import { defineRoute, type AnyRoute } from '../../http/index.ts';
import { parseEmailAddress } from '../credentials/email-address.ts';
import type { ThrottleSubject } from '../credentials/login-throttle.ts';
import type { UserRow } from '../directory/directory.ts';
import { userView, UserViewSchema } from '../directory/directory-views.ts';
import { accessOf, changeContextOf } from '../enforce.ts';
import { PUBLIC, SELF } from '../permissions/route-permissions.ts';
import { clearSessionCookie, presentedSessionToken, setSessionCookie } from '../sessions/session-cookie.ts';
import { sessionView, SessionViewSchema } from '../sessions/session-view.ts';
import { recordChange, selfContext } from './account-changes.ts';
import { invalidCredentials, invalidRecoveryCode, invalidTotpCode, tooManyAttempts, totpRequired } from './auth-errors.ts';
import type { AuthServices } from './auth-services.ts';
import { acceptTotpCode, useRecoveryCode } from './second-factor.ts';

const SignInBody = z.strictObject({
  email: z.string().max(1000),
  password: z.string().min(1).max(4096),
  totp_code: z.string().min(1).max(32).optional(),
  recovery_code: z.string().min(1).max(64).optional(),
});
type SignIn = z.output<typeof SignInBody>;

/** A signed-in session: who, the CSRF token state-changing requests must carry, and the session (its cookie is set). */
export const SignedInSchema = z.strictObject({
  user: UserViewSchema,
  csrf_token: z.string().describe("Send it as 'x-csrf-token' on state-changing requests made with the session cookie"),
  session: SessionViewSchema,
});

/** POST /api/auth/sign-in and POST /api/auth/sign-out. */
export function signInRoutes(s: AuthServices): AnyRoute[] {
  const { deps } = s;

  return [
    defineRoute({
      method: 'POST',
      path: '/api/auth/sign-in',
      permission: PUBLIC,
      summary: 'Sign in with email and password (and a two-factor or recovery code when the account has 2FA); sets the session cookie and returns the CSRF token.',
      body: SignInBody,
      response: SignedInSchema,
      handler: async ({ body, req, reply }) => {
        const email = parseEmailAddress(body.email);
        if (body.totp_code !== undefined && body.recovery_code !== undefined) {
          throw fail('invalid_parameter', { param: 'recovery_code', reason: "send either 'totp_code' or 'recovery_code', not both" });
        }
        const subject: ThrottleSubject = { account: email, ip: req.ip };
        const gate = await s.throttle.check(subject);
        if (!gate.allowed) {
          req.log.warn({ ip: req.ip, retryAfterMs: gate.retryAfterMs }, 'sign-in refused: too many failed attempts');
          throw tooManyAttempts(gate.retryAfterMs);
        }

        let user: UserRow;
        let method: string;
        try {
          user = await verifyPassword(s, email, body.password, subject);
          method = await verifySecondFactor(s, user, body, subject, req);
        } catch (err) {
          // For security monitoring: who (user id when the account exists, never the password) and from where.
          const known = await deps.directory.findUserByEmail(email);
          const code = (err as { code?: string }).code;
          req.log.info({ ip: req.ip, userId: known?.id ?? null, code }, 'sign-in failed');
          // In the audit log too, for the account's admins, when the account exists. Unknown emails
          // only get the log line: a stranger must not be able to fill the audit log with junk.
          if (known) {
            const ctx = { actorId: 'anonymous', orgId: known.org_id, requestId: req.id, ip: req.ip };
            await recordChange(deps.store, ctx, { action: 'user.sign_in_failed', target: known.id, before: null, after: null, details: { reason: code ?? 'error' } }, s.now());
          }
          throw err;
        }
        await s.throttle.recordSuccess(subject);
        if (user.password_hash !== null && s.hasher.needsRehash(user.password_hash)) {
          await deps.store.db.updateTable('users').set({ password_hash: await s.hasher.hash(body.password) }).where('id', '=', user.id).execute();
        }

        const { token, session } = await deps.sessions.start(user.id, {
          ip: req.ip,
          userAgent: req.headers['user-agent'],
          method,
          replacing: presentedSessionToken(req),
        });
        setSessionCookie(req, reply, token, deps.secureCookies);
        req.log.info({ ip: req.ip, userId: user.id, method }, 'signed in');
        await recordChange(deps.store, selfContext(user, req), { action: 'user.signed_in', target: session.id, before: null, after: sessionView(session), details: { method } }, s.now());
        const signedIn = (await deps.directory.getUser(user.id)) ?? user;
        reply.header('cache-control', 'no-store');
        return { user: userView(signedIn), csrf_token: session.csrf_token, session: sessionView(session, session.id) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/auth/sign-out',
      permission: SELF,
      summary: 'End the current session and clear its cookie (sessions only; keys do not sign out).',
      status: 204,
      handler: async ({ req, reply }) => {
        const { session } = accessOf(req);
        if (!session) throw fail('keys_cannot_sign_out');
        await deps.sessions.end(session.user.id, session.session.id);
        clearSessionCookie(reply);
        await recordChange(deps.store, changeContextOf(req), { action: 'user.signed_out', target: session.session.id, before: sessionView(session.session), after: null }, s.now());
      },
    }),
  ];
}

/**
 * The active user with this email and password. An unknown email still costs one argon2id
 * verification (of a dummy hash), and unknown, wrong, disabled and password-less accounts all get
 * the same 401, so neither the answer nor its timing tells which emails exist.
 */
async function verifyPassword(s: AuthServices, email: string, password: string, subject: ThrottleSubject): Promise<UserRow> {
  const user = await s.deps.directory.findUserByEmail(email);
  const ok = await s.hasher.verify(user?.password_hash ?? null, password);
  if (ok && user && user.status === 'active') return user;
  await s.throttle.recordFailure(subject);
  throw invalidCredentials();
}

/** The sign-in method once the second factor (if the account has one) is proven. */
async function verifySecondFactor(s: AuthServices, user: UserRow, body: SignIn, subject: ThrottleSubject, req: FastifyRequest): Promise<string> {
  if (user.totp_enabled_at === null) return 'password';
  if (body.totp_code !== undefined) {
    if (await acceptTotpCode(s.deps.directory, s.totp, user, body.totp_code)) return 'password+totp';
    await s.throttle.recordFailure(subject);
    throw invalidTotpCode('totp_code');
  }
  if (body.recovery_code !== undefined) {
    const left = await useRecoveryCode(s.deps.store, user, body.recovery_code);
    if (left === undefined) {
      await s.throttle.recordFailure(subject);
      throw invalidRecoveryCode();
    }
    const change = { action: 'user.recovery_code_used', target: user.id, before: { recovery_codes_left: left + 1 }, after: { recovery_codes_left: left } };
    await recordChange(s.deps.store, selfContext(user, req), change, s.now());
    return 'password+recovery';
  }
  throw totpRequired();
}
