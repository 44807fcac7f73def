import type { FastifyRequest } from 'fastify';

/** The path of the SSO callback (the route is registered under /api). */
export const SSO_CALLBACK_PATH = '/api/auth/sso/callback';

/**
 * The redirect URI to register at the identity provider: TOLLGATE_PUBLIC_URL's origin, or else
 * this request's, followed by /api/auth/sso/callback.
 * @example ssoRedirectUri(req, 'https://tollgate.example.com') // 'https://tollgate.example.com/api/auth/sso/callback'
 */
export function ssoRedirectUri(req: FastifyRequest, publicUrl: string | undefined): string {
  return `${publicUrl ?? `${req.protocol}://${req.host}`}${SSO_CALLBACK_PATH}`;
}
