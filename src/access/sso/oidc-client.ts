import { timingSafeEqual } from 'node:crypto';
import * as oidc from 'openid-client';
import { OutboundRefusedError, type OutboundInit } from '../../http/outbound/index.ts';
import { fail, type TollgateError } from '../../errors/index.ts';
import { identityFromClaims, type SsoIdentity } from './sso-identity.ts';
import { toSsoError } from './oidc-error-mapping.ts';

export interface OidcSsoOptions {
  /** The issuer URL; its `/.well-known/openid-configuration` is fetched once, on first use. */
  issuer: string;
  clientId: string;
  /** Omit for a public client (PKCE only); otherwise sent with HTTP Basic auth. */
  clientSecret?: string;
  /** The callback URL registered at the identity provider. */
  redirectUri: string;
  /** Default `['openid', 'email', 'profile']`; `openid` is always added. */
  scopes?: string[];
  /** The claim that lists the user's groups. Default `groups`. */
  groupsClaim?: string;
  /** Also read claims from the userinfo endpoint (many IdPs put groups only there). Default true. */
  userInfo?: boolean;
  /**
   * Every call to the identity provider (discovery, the endpoints it names, token, userinfo, keys)
   * goes through this: Tollgate's outbound fetch for tenant-set URLs (createOutboundFetch), which
   * refuses internal destinations at connect time. Required, so no call can bypass it.
   */
  fetch: (url: string, init: OutboundInit) => Promise<Response>;
}

/** What the caller must keep between `begin()` and `complete()`: server-side or in a short-lived signed cookie. */
export interface SsoExpectation {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** The start of a sign-in: redirect the browser to `url`, keep the rest. */
export interface SsoStart extends SsoExpectation {
  url: string;
}

export interface OidcSso {
  /** Creates fresh state, nonce and PKCE (S256) verifier and the authorization URL. */
  begin(): Promise<SsoStart>;
  /**
   * Checks the callback, exchanges the code, verifies the ID token (signature, issuer, audience,
   * expiry, nonce) and returns the identity. Throws a TollgateError with a stable `sso_…` code otherwise.
   */
  complete(callbackUrl: string, expected: SsoExpectation): Promise<SsoIdentity>;
}

const DEFAULT_SCOPES = ['openid', 'email', 'profile'];

/**
 * OpenID Connect single sign-on with the authorization code flow and PKCE. Whether an issuer may be
 * called at all (https, no internal address) is the outbound fetch's decision.
 * @example
 * const sso = createOidcSso({ issuer: 'https://login.example.com', clientId: 'tollgate',
 *   clientSecret: process.env.OIDC_SECRET, redirectUri: 'https://tollgate.example.com/api/auth/sso/callback' });
 * const { url, ...expected } = await sso.begin();   // store `expected`, redirect to `url`
 * const identity = await sso.complete(request.url, expected); // on the callback
 */
export function createOidcSso(options: OidcSsoOptions): OidcSso {
  const groupsClaim = options.groupsClaim ?? 'groups';
  const scope = [...new Set(['openid', ...(options.scopes ?? DEFAULT_SCOPES)])].join(' ');
  let configuration: Promise<oidc.Configuration> | undefined;

  const configure = (): Promise<oidc.Configuration> => {
    configuration ??= discover(options).catch((err: unknown) => {
      configuration = undefined;
      throw notAllowed(err) ?? fail('sso_provider_unavailable', { reason: `OpenID discovery of ${options.issuer} failed` }, { cause: err });
    });
    return configuration;
  };

  return {
    async begin() {
      const config = await configure();
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: options.redirectUri,
        scope,
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return { url: url.href, state, nonce, codeVerifier };
    },

    async complete(callbackUrl, expected) {
      const current = new URL(callbackUrl);
      assertState(current.searchParams.get('state'), expected.state);
      const config = await configure();
      try {
        const tokens = await oidc.authorizationCodeGrant(config, current, {
          expectedState: expected.state,
          expectedNonce: expected.nonce,
          pkceCodeVerifier: expected.codeVerifier,
          idTokenExpected: true,
        });
        const idClaims = tokens.claims();
        if (!idClaims) throw fail('sso_invalid_token', { reason: 'there is none in the answer' });
        const useUserInfo = (options.userInfo ?? true) && config.serverMetadata().userinfo_endpoint !== undefined;
        const extra = useUserInfo ? await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub) : {};
        // Claims of the signed ID token win over userinfo.
        return identityFromClaims({ ...extra, ...idClaims }, groupsClaim);
      } catch (err) {
        throw notAllowed(err) ?? toSsoError(err);
      }
    },
  };
}

async function discover(options: OidcSsoOptions): Promise<oidc.Configuration> {
  const issuer = new URL(options.issuer);
  const auth = options.clientSecret === undefined ? oidc.None() : oidc.ClientSecretBasic(options.clientSecret);
  const discoveryOptions: oidc.DiscoveryRequestOptions = { [oidc.customFetch]: options.fetch as oidc.CustomFetch };
  // Plain http reaches only what the operator allowed (TOLLGATE_OUTBOUND_ALLOW_PRIVATE): the outbound fetch refuses the rest.
  if (issuer.protocol === 'http:') discoveryOptions.execute = [oidc.allowInsecureRequests];
  const config = await oidc.discovery(issuer, options.clientId, options.clientSecret, auth, discoveryOptions);
  config[oidc.customFetch] = options.fetch as oidc.CustomFetch;
  // Tokens come straight from the token endpoint, where OIDC allows skipping the signature check;
  // we verify it anyway, so a tampered or forged ID token is refused even behind a broken proxy.
  oidc.enableNonRepudiationChecks(config);
  return config;
}

/** `sso_provider_not_allowed` for a destination the outbound policy refused (anywhere in the cause chain), else undefined. */
function notAllowed(err: unknown): TollgateError | undefined {
  for (let e = err, depth = 0; typeof e === 'object' && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof OutboundRefusedError) return fail('sso_provider_not_allowed', { reason: e.reason }, { cause: e });
  }
  return undefined;
}

function assertState(received: string | null, expected: string): void {
  const a = Buffer.from(received ?? '');
  const b = Buffer.from(expected);
  if (received === null || expected === '' || a.length !== b.length || !timingSafeEqual(a, b)) {
    throw fail('sso_state_mismatch');
  }
}
