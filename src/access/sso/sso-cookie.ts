import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SecureCookies } from '../sessions/session-cookie.ts';
import { SSO_STATE_TTL_MS } from './sso-state-store.ts';

/** The cookie that binds a pending sign-in to the browser that started it. */
export const SSO_COOKIE = 'tg_sso';
const COOKIE_PATH = '/api/auth/sso';
const VALUE_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The browser's binding value: the one its `tg_sso` cookie already holds (so sign-ins started in
 * two tabs both complete), or a fresh random one. The cookie is set (again) for 10 minutes:
 * HttpOnly, SameSite=Lax (sent on the IdP's top-level redirect back), Path=/api/auth/sso.
 * @example const value = bindBrowser(req, reply, deps.secureCookies); // store sha256Hex(value)
 */
export function bindBrowser(req: FastifyRequest, reply: FastifyReply, secure: SecureCookies): string {
  const existing = presentedBrowserValue(req);
  const value = existing ?? randomBytes(32).toString('base64url');
  reply.setCookie(SSO_COOKIE, value, {
    httpOnly: true,
    sameSite: 'lax',
    path: COOKIE_PATH,
    maxAge: SSO_STATE_TTL_MS / 1000,
    secure: secure === 'on' || (secure === 'auto' && req.protocol === 'https'),
  });
  return value;
}

/** The binding value the browser presented, if well-formed. */
export function presentedBrowserValue(req: FastifyRequest): string | undefined {
  const value = req.cookies[SSO_COOKIE];
  return value !== undefined && VALUE_SHAPE.test(value) ? value : undefined;
}

/** Drops the binding cookie once a sign-in completed. */
export function clearBrowserBinding(reply: FastifyReply): void {
  reply.clearCookie(SSO_COOKIE, { path: COOKIE_PATH });
}
