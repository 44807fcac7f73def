import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:net';
import { createOutboundFetch, parseAllowance, type OutboundInit } from '../../http/outbound/index.ts';
import { createOidcSso, type OidcSso, type OidcSsoOptions, type SsoExpectation } from './oidc-client.ts';
import { isSsoError, type SsoErrorCode } from './sso-error.ts';
import { startTestProvider, type TestProvider } from './oidc-test-provider.ts';
import { TestBrowser } from './test-browser.ts';
import { jwtPayload, signRs256 } from './test-jwt-signer.ts';

const ana = { login: 'ana', email: 'ana@example.com', name: 'Ana Lima', groups: ['eng'] };

async function rejectsWith(promise: Promise<unknown>, code: SsoErrorCode, status: number): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isSsoError(err), `expected an sso_… failure, got ${String(err)}`);
    assert.equal(err.code, code, `${err.message} (cause: ${String((err.cause as Error | undefined)?.message)})`);
    assert.equal(err.status, status);
    return true;
  });
}

// The test IdP listens on loopback: the operator allowance for private destinations lets it through.
const outbound = createOutboundFetch({ allowance: parseAllowance('on') });

/** A fetch that rewrites the ID token of every token-endpoint response, like a hostile proxy would. */
function tamperingFetch(rewrite: (idToken: string) => string): (url: string, init: OutboundInit) => Promise<Response> {
  return async (input, init) => {
    const response = await outbound(input, init);
    const url = new URL(input);
    if (url.pathname !== '/token' || !response.ok) return response;
    const body = (await response.json()) as { id_token: string };
    body.id_token = rewrite(body.id_token);
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  };
}

describe('OIDC sign-in refuses forged and replayed responses', () => {
  let idp: TestProvider;
  let options: OidcSsoOptions;
  before(async () => {
    idp = await startTestProvider([ana]);
    options = { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, redirectUri: idp.redirectUri, fetch: outbound };
  });
  after(async () => {
    await idp.close();
    await outbound.close();
  });

  async function signIn(sso: OidcSso): Promise<{ callbackUrl: string; expected: SsoExpectation }> {
    const { url, ...expected } = await sso.begin();
    const callbackUrl = await new TestBrowser().signIn(url, { stopAt: idp.redirectUri, login: 'ana' });
    return { callbackUrl, expected };
  }

  /** Re-signs the real ID token with the IdP's own key after changing claims. */
  const resigned = (change: Record<string, unknown>) => (idToken: string) =>
    signRs256({ ...jwtPayload(idToken), ...change }, idp.signingKey, idp.kid);

  it('refuses a wrong, missing or foreign state before exchanging the code', async () => {
    const sso = createOidcSso(options);
    const { callbackUrl, expected } = await signIn(sso);
    await rejectsWith(sso.complete(callbackUrl, { ...expected, state: 'not-the-state' }), 'sso_state_mismatch', 400);
    const noState = new URL(callbackUrl);
    noState.searchParams.delete('state');
    await rejectsWith(sso.complete(noState.href, expected), 'sso_state_mismatch', 400);
    const other = await sso.begin();
    await rejectsWith(sso.complete(callbackUrl, other), 'sso_state_mismatch', 400);
    // The code was never spent: the genuine completion still works.
    assert.equal((await sso.complete(callbackUrl, expected)).subject, 'ana');
  });

  it('refuses a replayed authorization code', async () => {
    const sso = createOidcSso(options);
    const { callbackUrl, expected } = await signIn(sso);
    assert.equal((await sso.complete(callbackUrl, expected)).subject, 'ana');
    await rejectsWith(sso.complete(callbackUrl, expected), 'sso_code_rejected', 401);
  });

  it('refuses a wrong PKCE code verifier', async () => {
    const sso = createOidcSso(options);
    const { callbackUrl, expected } = await signIn(sso);
    const wrong = { ...expected, codeVerifier: (await sso.begin()).codeVerifier };
    await rejectsWith(sso.complete(callbackUrl, wrong), 'sso_code_rejected', 401);
  });

  it('refuses an ID token whose nonce is not the expected one', async () => {
    const sso = createOidcSso(options);
    const { callbackUrl, expected } = await signIn(sso);
    await rejectsWith(sso.complete(callbackUrl, { ...expected, nonce: 'another-nonce' }), 'sso_nonce_mismatch', 401);
  });

  it('refuses an ID token with a flipped signature byte', async () => {
    const sso = createOidcSso({
      ...options,
      fetch: tamperingFetch((jwt) => {
        const [header, payload, signature = ''] = jwt.split('.');
        const bytes = Buffer.from(signature, 'base64url');
        bytes[10] = (bytes[10] ?? 0) ^ 0x01;
        return `${header}.${payload}.${bytes.toString('base64url')}`;
      }),
    });
    const { callbackUrl, expected } = await signIn(sso);
    await rejectsWith(sso.complete(callbackUrl, expected), 'sso_invalid_token', 401);
  });

  it('refuses an ID token whose payload was changed (more groups, other email) under the old signature', async () => {
    const sso = createOidcSso({
      ...options,
      fetch: tamperingFetch((jwt) => {
        const [header, payload = '', signature] = jwt.split('.');
        const claims = { ...jwtPayload(jwt), email: 'admin@example.com', groups: ['admins'] };
        assert.notEqual(payload, '');
        return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
      }),
    });
    const { callbackUrl, expected } = await signIn(sso);
    await rejectsWith(sso.complete(callbackUrl, expected), 'sso_invalid_token', 401);
  });

  it("refuses an ID token signed by another key under the IdP's key id", async () => {
    const { privateKey: attackerKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const sso = createOidcSso({
      ...options,
      fetch: tamperingFetch((jwt) => signRs256({ ...jwtPayload(jwt), groups: ['admins'] }, attackerKey, idp.kid)),
    });
    const { callbackUrl, expected } = await signIn(sso);
    await rejectsWith(sso.complete(callbackUrl, expected), 'sso_invalid_token', 401);
  });

  it('refuses a validly signed ID token for another audience or from another issuer', async () => {
    for (const change of [{ aud: 'someone-else' }, { iss: 'http://127.0.0.1:1' }]) {
      const sso = createOidcSso({ ...options, fetch: tamperingFetch(resigned(change)) });
      const { callbackUrl, expected } = await signIn(sso);
      await rejectsWith(sso.complete(callbackUrl, expected), 'sso_invalid_token', 401);
    }
  });

  it('refuses a validly signed but expired ID token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const sso = createOidcSso({ ...options, fetch: tamperingFetch(resigned({ iat: now - 7200, exp: now - 3600 })) });
    const { callbackUrl, expected } = await signIn(sso);
    await rejectsWith(sso.complete(callbackUrl, expected), 'sso_token_expired', 401);
  });

  it('reports an error redirect from the IdP (e.g. consent denied)', async () => {
    const sso = createOidcSso(options);
    const { state, ...rest } = await sso.begin();
    const callback = new URL(idp.redirectUri);
    callback.search = new URLSearchParams({ error: 'access_denied', state, iss: idp.issuer }).toString();
    await rejectsWith(sso.complete(callback.href, { state, ...rest }), 'sso_idp_error', 401);
  });

  it('reports an unreachable issuer as unavailable, and retries discovery later', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    const sso = createOidcSso({ ...options, issuer: `http://127.0.0.1:${port}` });
    await rejectsWith(sso.begin(), 'sso_provider_unavailable', 502);
    await rejectsWith(sso.begin(), 'sso_provider_unavailable', 502);
  });

  it('refuses plain http to a public issuer, and every loopback issuer without the operator allowance', async () => {
    const strict = createOutboundFetch();
    try {
      await rejectsWith(createOidcSso({ ...options, issuer: 'http://93.184.216.34', fetch: strict }).begin(), 'sso_provider_not_allowed', 502);
      await rejectsWith(createOidcSso({ ...options, fetch: strict }).begin(), 'sso_provider_not_allowed', 502);
    } finally {
      await strict.close();
    }
  });
});
