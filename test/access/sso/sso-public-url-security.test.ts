import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { startTestProvider, type TestProvider } from '../../../src/access/sso/oidc-test-provider.ts';
import { startGateway, type TestGateway } from '../../support/gateway.ts';
import { errorOf, ssoBody } from './sso-support.ts';

/*
 * Issue 8, point 14: without TOLLGATE_PUBLIC_URL the SSO redirect_uri came from the Host header, so
 * a forged Host sent the authorization code to a site of the caller's choosing. SSO now needs a
 * configured public URL, and the Host header never decides where the IdP sends the browser back.
 */
function getWithHost(url: string, host: string): Promise<{ status: number; location: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { headers: { host, 'x-forwarded-host': host } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('SSO without TOLLGATE_PUBLIC_URL', () => {
  let gw: TestGateway;
  let idp: TestProvider;
  before(async () => {
    gw = await startGateway({ env: { TOLLGATE_OUTBOUND_ALLOW_PRIVATE: 'on' } });
    idp = await startTestProvider([], { redirectUris: ['http://evil.example/api/auth/sso/callback', `${gw.url}/api/auth/sso/callback`] });
    // Settings stored while a public URL was configured (or by an older version).
    const { issuer, client_id, client_secret } = ssoBody(idp) as { issuer: string; client_id: string; client_secret: string };
    const settings = { issuer, client_id, client_secret, scopes: null, groups_claim: 'groups', group_rules: [], default_team_id: null, default_role: null, allowed_email_domains: null, jit: true };
    await gw.tg.store.db.updateTable('orgs').set({ sso: JSON.stringify(settings) }).where('id', '=', gw.tg.home.org.id).execute();
  });
  after(async () => {
    await idp?.close();
    await gw?.close();
  });

  test('starting a sign-in is refused with a clear error; a forged Host is never used', async () => {
    const res = await getWithHost(`${gw.url}/api/auth/sso/${gw.tg.home.org.id}/start`, 'evil.example');
    assert.equal(res.status, 503, res.body);
    assert.equal(res.location, undefined);
    const error = (JSON.parse(res.body) as { error: { code: string; message: string } }).error;
    assert.equal(error.code, 'public_url_not_configured');
    assert.match(error.message, /TOLLGATE_PUBLIC_URL/);
  });

  test('configuring SSO is refused too; the settings show no redirect URI', async () => {
    const put = await gw.call(`/api/orgs/${gw.tg.home.org.id}/sso`, { method: 'PUT', body: ssoBody(idp) });
    assert.equal(put.status, 409, await put.clone().text());
    assert.equal((await errorOf(put)).code, 'sso_needs_public_url');
    const shown = (await (await gw.call(`/api/orgs/${gw.tg.home.org.id}/sso`)).json()) as { redirect_uri: unknown };
    assert.equal(shown.redirect_uri, null);
  });
});

describe('SSO with TOLLGATE_PUBLIC_URL', () => {
  let gw: TestGateway;
  let idp: TestProvider;
  before(async () => {
    gw = await startGateway({ publicUrl: true, env: { TOLLGATE_OUTBOUND_ALLOW_PRIVATE: 'on' } });
    idp = await startTestProvider([], { redirectUris: [`${gw.url}/api/auth/sso/callback`] });
    const put = await gw.call(`/api/orgs/${gw.tg.home.org.id}/sso`, { method: 'PUT', body: ssoBody(idp) });
    assert.equal(put.status, 200, await put.clone().text());
  });
  after(async () => {
    await idp?.close();
    await gw?.close();
  });

  test('the redirect_uri is the public URL whatever the Host header says', async () => {
    const res = await getWithHost(`${gw.url}/api/auth/sso/${gw.tg.home.org.id}/start`, 'evil.example');
    assert.equal(res.status, 302, res.body);
    const redirect = new URL(res.location!).searchParams.get('redirect_uri');
    assert.equal(redirect, `${gw.url}/api/auth/sso/callback`);
  });
});
