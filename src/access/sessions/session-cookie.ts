import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from './session-service.ts';

export type SecureCookies = 'auto' | 'on' | 'off';

/**
 * Sets the session cookie: HttpOnly (scripts cannot read it), SameSite=Lax (not sent on cross-site
 * POSTs), Path=/, Secure when the request came over https (`auto`, honouring TOLLGATE_TRUST_PROXY)
 * or always (`on`). No Max-Age: the server decides when a session ends.
 * @example setSessionCookie(req, reply, token, 'auto');
 */
export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, token: string, secure: SecureCookies): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: secure === 'on' || (secure === 'auto' && req.protocol === 'https'),
  });
}

/** Tells the browser to drop the session cookie (sign-out). */
export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/** The session cookie the request carried, if any. */
export function presentedSessionToken(req: FastifyRequest): string | undefined {
  return req.cookies[SESSION_COOKIE];
}
