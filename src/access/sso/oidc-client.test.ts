import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createOutboundFetch, parseAllowance } from '../../http/outbound/index.ts';
import { createOidcSso, type OidcSsoOptions } from './oidc-client.ts';
import { mapGroups } from './group-mapping.ts';
import { startTestProvider, type TestProvider } from './oidc-test-provider.ts';
import { TestBrowser } from './test-browser.ts';

const ana = { login: 'ana', email: 'ana@example.com', name: 'Ana Lima', groups: ['eng', 'eng-leads'] };
const bo = { login: 'bo', email: 'bo@example.com', name: 'Bo', groups: [] };

describe('OIDC sign-in through a real oidc-provider', () => {
  let idp: TestProvider;
  let options: OidcSsoOptions;
  // The test IdP listens on loopback: the operator allowance for private destinations lets it through.
  const outbound = createOutboundFetch({ allowance: parseAllowance('on') });
  before(async () => {
    idp = await startTestProvider([ana, bo]);
    options = {
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      redirectUri: idp.redirectUri,
      scopes: ['openid', 'email', 'profile', 'groups'],
      fetch: outbound,
    };
  });
  after(async () => {
    await idp.close();
    await outbound.close();
  });

  it('begins with PKCE S256, state and nonce in the authorization URL', async () => {
    const start = await createOidcSso(options).begin();
    const url = new URL(start.url);
    assert.equal(url.origin, idp.issuer);
    assert.equal(url.searchParams.get('response_type'), 'code');
    assert.equal(url.searchParams.get('client_id'), idp.clientId);
    assert.equal(url.searchParams.get('redirect_uri'), idp.redirectUri);
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(url.searchParams.get('state'), start.state);
    assert.equal(url.searchParams.get('nonce'), start.nonce);
    assert.equal(url.searchParams.get('scope'), 'openid email profile groups');
    assert.match(start.codeVerifier, /^[A-Za-z0-9_-]{43,}$/);
    assert.notEqual(url.searchParams.get('code_challenge'), start.codeVerifier);
    const other = await createOidcSso(options).begin();
    assert.notEqual(other.state, start.state);
    assert.notEqual(other.nonce, start.nonce);
  });

  it('signs a user in and returns the identity with its groups, mapped to a team', async () => {
    const sso = createOidcSso(options);
    const { url, ...expected } = await sso.begin();
    const callbackUrl = await new TestBrowser().signIn(url, { stopAt: idp.redirectUri, login: 'ana' });
    const identity = await sso.complete(callbackUrl, expected);
    assert.deepEqual(identity, {
      subject: 'ana',
      issuer: idp.issuer,
      email: 'ana@example.com',
      emailVerified: true,
      name: 'Ana Lima',
      groups: ['eng', 'eng-leads'],
    });
    const rules = [
      { group: 'eng', team: 'platform', role: 'member' as const },
      { group: 'eng-leads', team: 'platform', role: 'admin' as const },
    ];
    assert.deepEqual(mapGroups(identity.groups, rules), [{ team: 'platform', role: 'admin' }]);
  });

  it('reads groups from a custom claim name and gives [] when the user has none', async () => {
    const sso = createOidcSso({ ...options, groupsClaim: 'groups' });
    const { url, ...expected } = await sso.begin();
    const callbackUrl = await new TestBrowser().signIn(url, { stopAt: idp.redirectUri, login: 'bo' });
    const identity = await sso.complete(callbackUrl, expected);
    assert.equal(identity.subject, 'bo');
    assert.deepEqual(identity.groups, []);

    const renamed = createOidcSso({ ...options, groupsClaim: 'roles' });
    const second = await renamed.begin();
    const secondCallback = await new TestBrowser().signIn(second.url, { stopAt: idp.redirectUri, login: 'ana' });
    assert.deepEqual((await renamed.complete(secondCallback, second)).groups, []);
  });

  it('works as a public client (no secret, PKCE only)', async () => {
    const sso = createOidcSso({ issuer: idp.issuer, clientId: idp.publicClientId, redirectUri: idp.redirectUri, fetch: outbound });
    const { url, ...expected } = await sso.begin();
    const callbackUrl = await new TestBrowser().signIn(url, { stopAt: idp.redirectUri, login: 'ana' });
    const identity = await sso.complete(callbackUrl, expected);
    assert.equal(identity.subject, 'ana');
    assert.equal(identity.email, 'ana@example.com');
  });

  it('takes claims from the ID token only when userinfo is off (this IdP puts groups in userinfo)', async () => {
    const sso = createOidcSso({ ...options, userInfo: false });
    const { url, ...expected } = await sso.begin();
    const callbackUrl = await new TestBrowser().signIn(url, { stopAt: idp.redirectUri, login: 'ana' });
    const identity = await sso.complete(callbackUrl, expected);
    assert.equal(identity.subject, 'ana');
    assert.deepEqual(identity.groups, []);
  });
});
