import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { errors, TollgateError } from '../../http/errors.ts';
import { documentRoute } from '../../http/openapi/route-docs.ts';
import { parseInput } from '../../http/parse-input.ts';
import { parseEmailAddress } from '../credentials/email-address.ts';
import { assertPasswordPolicy } from '../credentials/password-policy.ts';
import { userView, type UserRow } from '../directory/directory.ts';
import { accessOf, changeContextOf } from '../enforce.ts';
import { setSessionCookie } from '../sessions/session-cookie.ts';
import { sessionView } from '../sessions/session-service.ts';
import { selfContext, updateAccount } from './account-changes.ts';
import type { AuthServices } from './auth-services.ts';
import { callerUser } from './caller.ts';
import { linkBase } from './link-base.ts';
import { issuePasswordReset } from './password-reset.ts';
import { confirmPassword } from './reauthenticate.ts';

const ChangePasswordBody = z.strictObject({ current_password: z.string().max(4096), new_password: z.string().max(4096) });
const ResetRequestBody = z.strictObject({ email: z.string().max(1000) });
const ResetConfirmBody = z.strictObject({ token: z.string().max(200), new_password: z.string().max(4096) });

documentRoute('POST /api/me/password', {
  summary: 'Change your password: ends all your sessions; a session caller gets a fresh session cookie and CSRF token.',
  body: ChangePasswordBody,
});
documentRoute('POST /api/auth/password-reset', {
  summary: 'Ask for a password-reset link by mail. Always 202, whether or not the email has an account.',
  body: ResetRequestBody,
});
documentRoute('POST /api/auth/password-reset/confirm', {
  summary: 'Set a new password with the token from a reset link (works once, for an hour); ends all sessions of the account.',
  body: ResetConfirmBody,
});

/** POST /me/password, POST /auth/password-reset, POST /auth/password-reset/confirm. */
export function passwordRoutes(app: FastifyInstance, s: AuthServices): void {
  const { deps } = s;
  const background = backgroundTasks(app, s);

  app.post('/me/password', async (req, reply) => {
    const body = parseInput(ChangePasswordBody, req.body);
    const user = await callerUser(req, deps.directory, 'Changing a password');
    if (user.password_hash === null) {
      throw errors.badRequest('no_password', 'Your account signs in with single sign-on and has no password to change.', 'current_password');
    }
    assertPasswordPolicy(body.new_password, 'new_password');
    await confirmPassword(s, user, req, body.current_password, 'current_password');
    return changePassword(s, user, body.new_password, req, reply);
  });

  app.post('/auth/password-reset', async (req, reply) => {
    const body = parseInput(ResetRequestBody, req.body);
    const email = parseEmailAddress(body.email);
    const origin = linkBase(deps.publicUrl, req);
    const who = { id: req.id, ip: req.ip };
    // Answered before the account is even looked up: neither the reply nor its timing tells whether the email exists.
    background(() => requestReset(s, email, origin, who));
    return reply.code(202).send({ status: 'accepted', message: 'If this email belongs to an account, a link to reset its password is on its way.' });
  });

  app.post('/auth/password-reset/confirm', async (req, reply) => {
    const body = parseInput(ResetConfirmBody, req.body);
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
    return reply.code(204).send();
  });
}

/**
 * Sets a new password and ends every session of the user, so a stolen cookie stops working. A
 * caller signed in with a session gets a fresh one (new cookie, new CSRF token).
 */
async function changePassword(s: AuthServices, user: UserRow, password: string, req: FastifyRequest, reply: FastifyReply) {
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
  const invalid = () => errors.badRequest('invalid_or_expired_token', 'This password-reset link is invalid, expired or already used; ask for a new one.', 'token');
  let record: { subject: string; data: Readonly<Record<string, string>> };
  try {
    record = await s.tokens.redeem(token, 'password_reset');
  } catch (err) {
    if (err instanceof TollgateError && err.param === 'token') throw invalid();
    throw err;
  }
  const user = await s.deps.directory.getUser(record.subject);
  if (!user || user.status !== 'active') throw invalid();
  return { user, delivery: record.data['delivery'] };
}

/** Runs work after the response is sent; the server waits for it on close. Failures are logged. */
function backgroundTasks(app: FastifyInstance, s: AuthServices): (task: () => Promise<void>) => void {
  const pending = new Set<Promise<void>>();
  app.addHook('onClose', async () => {
    await Promise.allSettled([...pending]);
  });
  return (task) => {
    const run = task()
      .catch((err: unknown) => s.deps.log.error({ err }, 'password reset request failed'))
      .finally(() => pending.delete(run));
    pending.add(run);
  };
}
