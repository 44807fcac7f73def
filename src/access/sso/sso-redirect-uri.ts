import { fail } from '../../errors/index.ts';

/** The path of the SSO callback (the route is registered under /api). */
export const SSO_CALLBACK_PATH = '/api/auth/sso/callback';

/**
 * The redirect URI to register at the identity provider: TOLLGATE_PUBLIC_URL followed by
 * /api/auth/sso/callback, or null when no public URL is configured. Never derived from the
 * request (its Host header is the caller's to forge, and the authorization code would follow it).
 * @example ssoRedirectUri('https://tollgate.example.com') // 'https://tollgate.example.com/api/auth/sso/callback'
 */
export function ssoRedirectUri(publicUrl: string | undefined): string | null {
  return publicUrl ? `${publicUrl.replace(/\/+$/, '')}${SSO_CALLBACK_PATH}` : null;
}

/**
 * The redirect URI, or the error that says SSO cannot work yet: 503 `public_url_not_configured` at
 * sign-in (the operator must act), 409 `sso_needs_public_url` when an owner configures it.
 */
export function requireRedirectUri(publicUrl: string | undefined, when: 'sign-in' | 'configure'): string {
  const uri = ssoRedirectUri(publicUrl);
  if (uri !== null) return uri;
  throw when === 'sign-in' ? fail('public_url_not_configured') : fail('sso_needs_public_url');
}
