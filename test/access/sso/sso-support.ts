import type { TestGateway } from '../../support/gateway.ts';
import { TestBrowser } from '../../../src/access/sso/test-browser.ts';
import type { TestProvider } from '../../../src/access/sso/oidc-test-provider.ts';

export interface ApiError {
  error: { code: string; param: string | null; message: string; type: string };
}

/** The redirect URI Tollgate sends for a gateway on this URL. */
export const callbackOf = (gw: TestGateway) => `${gw.url}/api/auth/sso/callback`;

/** Settings for PUT /api/orgs/:id/sso pointing at the test IdP. */
export function ssoBody(idp: TestProvider, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    issuer: idp.issuer,
    client_id: idp.clientId,
    client_secret: idp.clientSecret,
    scopes: ['openid', 'email', 'profile', 'groups'],
    ...extra,
  };
}

export interface SignInResult {
  browser: TestBrowser;
  /** The IdP's redirect back to Tollgate (carries code and state). */
  callbackUrl: string;
  /** Tollgate's answer to that redirect. */
  response: Response;
  /** The tg_session cookie value, if the sign-in succeeded. */
  session: string | undefined;
}

/**
 * Signs in like a browser: Tollgate's start URL → IdP login and consent → Tollgate's callback.
 * @example const { response, session } = await ssoSignIn(gw, orgId, 'ana');
 */
export async function ssoSignIn(gw: TestGateway, orgId: string, login: string, opts: { browser?: TestBrowser; returnTo?: string } = {}): Promise<SignInResult> {
  const browser = opts.browser ?? new TestBrowser();
  const query = opts.returnTo === undefined ? '' : `?return_to=${encodeURIComponent(opts.returnTo)}`;
  const callbackUrl = await browser.signIn(`${gw.url}/api/auth/sso/${orgId}/start${query}`, { stopAt: callbackOf(gw), login });
  const response = await browser.get(callbackUrl);
  return { browser, callbackUrl, response, session: browser.cookie('tg_session') };
}

/** GET /api/me with a session cookie. */
export async function me(gw: TestGateway, session: string): Promise<Response> {
  return fetch(`${gw.url}/api/me`, { headers: { cookie: `tg_session=${session}` } });
}

export async function errorOf(res: Response): Promise<ApiError['error']> {
  return ((await res.json()) as ApiError).error;
}
