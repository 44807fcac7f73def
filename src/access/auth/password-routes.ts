import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { fail, isFailure } from '../../errors/index.ts';
import { defineRoute, type AnyRoute } from '../../http/index.ts';
import { parseEmailAddress } from '../credentials/email-address.ts';
import { assertPasswordPolicy } from '../credentials/password-policy.ts';
import type { UserRow } from '../directory/directory.ts';
import { userView, UserViewSchema } from '../directory/directory-views.ts';
import { accessOf, changeContextOf } from '../enforce.ts';
import { ACCOUNT, PUBLIC } from '../permissions/route-permissions.ts';
import { setSessionCookie } from '../sessions/session-cookie.ts';
import { sessionView, SessionViewSchema } from '../sessions/session-view.ts';
import { selfContext, updateAccount } from './account-changes.ts';
import type { AuthServices } from './auth-services.ts';
import { callerUser } from './caller.ts';
import { linkBase } from './link-base.ts';
import { issuePasswordReset } from './password-reset.ts';
import { confirmPassword } from './reauthenticate.ts';

const ChangePasswordBody = z.strictObject({ current_password: z.string().max(4096), new_password: z.string().max(4096) });
const ResetRequestBody = z.strictObject({ email: z.string().max(1000) });
const ResetConfirmBody = z.strictObject({ token: z.string().max(200), new_password: z.string().max(4096) });

/** After a password change: the user, how many sessions ended, and for a session caller its fresh session. */
const PasswordChangedSchema = z.strictObject({
  user: UserViewSchema,
  sessions_ended: z.number().int(),
  csrf_token: z.string().optional().describe('With a session: the fresh session\'s CSRF token (its cookie is set)'),
  session: SessionViewSchema.optional(),
});
type PasswordChanged = z.output<typeof PasswordChangedSchema>;

const ResetAcceptedSchema = z.strictObject({ status: z.literal('accepted'), message: z.string() });

/** POST /api/me/password, POST /api/auth/password-reset, POST /api/auth/password-reset/confirm. */
export function passwordRoutes(s: AuthServices): AnyRoute[] {
  const { deps } = s;

  return [
    defineRoute({
      method: 'POST',
      path: '/api/me/password',
      permission: ACCOUNT,
      summary: 'Change your password: ends all your sessions; a session caller gets a fresh session cookie and CSRF token.',
      body: ChangePasswordBody,
      response: PasswordChangedSchema,
      handler: async ({ body, req, reply }) => {
        const user = await callerUser(req, deps.directory, 'Changing a password');
        if (user.password_hash === null) throw fail('no_password', {}, { param: 'current_password' });
        assertPasswordPolicy(body.new_password, 'new_password');
        await confirmPassword(s, user, req, body.current_password, 'current_password');
        return changePassword(s, user, body.new_password, req, reply);
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/auth/password-reset',
      permission: PUBLIC,
      summary: 'Ask for a password-reset link by mail. Always 202, whether or not the email has an account.',
      body: ResetRequestBody,
      response: ResetAcceptedSchema,
      status: 202,
      handler: ({ body, req }) => {
        const email = parseEmailAddress(body.email);
        const origin = linkBase(deps.publicUrl, req);
        const who = { id: req.id, ip: req.ip };
        // Answered before the account is even looked up: neither the reply nor its timing tells whether the email exists.
        deps.background.run('password reset request', () => requestReset(s, email, origin, who));
        return { status: 'accepted' as const, message: 'If this email belongs to an account, a link to reset its password is on its way.' };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/auth/password-reset/confirm',
      permission: PUBLIC,
      summary: 'Set a new password with the token from a reset link (works once, for an hour); ends all sessions of the account.',
      body: ResetConfirmBody,
      status: 204,
      handler: async ({ body, req }) => {
        assertPasswordPolicy(body.new_password, 'new_password');
        const { user, delivery } = await redeemResetToken(s, body.token);
        const ended = await deps.sessions.endAll(user.id);
        const at = s.now();
        const hash = await s.hasher.hash(body.new_password);
        // A link that was only mailed to the address proves the person reads it.
        const proven = delivery === 'mail' && user.email_verified_at === null ? { email_verified_at: at } : {};
        const patch = { password_hash: hash, password_changed_at: at, ...proven };
        await updateAccount(deps.store, user.id, patch, { action: 'user.password_reset', ctx: selfContext(user, req), details: { sessions_ended: ended } }, at);
        await s.throttle.recordSuccess({ account: user.email, ip: req.ip });
      },
    }),
  ];
}

/**
 * Sets a new password and ends every session of the user, so a stolen cookie stops working. A
 * caller signed in with a session gets a fresh one (new cookie, new CSRF token).
 */
async function changePassword(s: AuthServices, user: UserRow, password: string, req: FastifyRequest, reply: FastifyReply): Promise<PasswordChanged> {
  const { deps } = s;
  const current = accessOf(req).session;
  const hash = await s.hasher.hash(password);
  const ended = await deps.sessions.endAll(user.id);
  const at = s.now();
  const after = await updateAccount(deps.store, user.id, { password_hash: hash, password_changed_at: at }, { action: 'user.password_changed', ctx: changeContextOf(req), details: { sessions_ended: ended } }, at);
  reply.header('cache-control', 'no-store');
  if (!current) return { user: userView(after), sessions_ended: ended };
  const fresh = await deps.sessions.start(user.id, { ip: req.ip, userAgent: req.headers['user-agent'], method: current.session.method });
  setSessionCookie(req, reply, fresh.token, deps.secureCookies);
  return { user: userView(after), sessions_ended: ended, csrf_token: fresh.session.csrf_token, session: sessionView(fresh.session, fresh.session.id) };
}

/** Mails a reset link if the email belongs to an active account and mail is configured; silently does nothing otherwise. */
async function requestReset(s: AuthServices, email: string, origin: string, who: { id: string; ip: string }): Promise<void> {
  const subject = { account: email, ip: who.ip };
  if (!(await s.resetThrottle.check(subject)).allowed) {
    s.deps.log.info({ reqId: who.id }, 'password reset request ignored: too many for this address or account');
    return;
  }
  await s.resetThrottle.recordFailure(subject);
  if (!s.deps.mailer) return;
  const user = await s.deps.directory.findUserByEmail(email);
  if (!user || user.status !== 'active') return;
  await issuePasswordReset(s.deps, user, { origin, ctx: { actorId: 'anonymous', orgId: user.org_id, requestId: who.id, ip: who.ip } });
}

/** The active user a reset token is for, and how the link travelled; any problem with the token is one 400 `invalid_or_expired_token`. */
async function redeemResetToken(s: AuthServices, token: string): Promise<{ user: UserRow; delivery: string | undefined }> {
  const invalid = () => fail('invalid_or_expired_token');
  let record: { subject: string; data: Readonly<Record<string, string>> };
  try {
    record = await s.tokens.redeem(token, 'password_reset');
  } catch (err) {
    if (isFailure(err, 'invalid_token', 'expired_token', 'token_already_used')) throw invalid();
    throw err;
  }
  const user = await s.deps.directory.getUser(record.subject);
  if (!user || user.status !== 'active') throw invalid();
  return { user, delivery: record.data['delivery'] };
}
