import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestProvider, type TestProvider } from '../../../src/access/sso/oidc-test-provider.ts';
import { startGateway, type TestGateway } from '../../support/gateway.ts';
import { callbackOf, ssoBody } from './sso-support.ts';

describe('GET /api/auth/sso/lookup: which organization signs an address in with SSO', () => {
  let gw: TestGateway;
  let idp: TestProvider;
  before(async () => {
    gw = await startGateway({ publicUrl: true, env: { TOLLGATE_OUTBOUND_ALLOW_PRIVATE: 'on' } });
    idp = await startTestProvider([{ login: 'ana', email: 'ana@corp.example', name: 'Ana', groups: [] }], { redirectUris: [callbackOf(gw)] });
    const res = await gw.call(`/api/orgs/${gw.tg.home.org.id}/sso`, { method: 'PUT', body: ssoBody(idp, { allowed_email_domains: ['corp.example'] }) });
    assert.equal(res.status, 200, await res.clone().text());
  });
  after(async () => {
    await idp?.close();
    await gw?.close();
  });

  test('an address of an SSO domain gets the organization and the start URL, which leads to the IdP', async () => {
    const res = await gw.call('/api/auth/sso/lookup?email=Bob%40CORP.example', { key: null });
    assert.equal(res.status, 200);
    const found = (await res.json()) as { org_id: string; start_url: string };
    assert.equal(found.org_id, gw.tg.home.org.id);
    const start = await fetch(gw.url + found.start_url, { redirect: 'manual' });
    assert.equal(start.status, 302);
    assert.ok(start.headers.get('location')!.startsWith(idp.issuer));
  });

  test('other domains get 404; malformed and missing addresses get 400 naming the field', async () => {
    const none = await gw.call('/api/auth/sso/lookup?email=bob%40elsewhere.example', { key: null });
    assert.equal(none.status, 404);
    assert.equal(((await none.json()) as { error: { code: string } }).error.code, 'sso_not_found');
    for (const [query, param] of [['email=not-an-address', 'email'], ['', 'email'], ['email=a%40b.example&org=x', 'org']] as const) {
      const res = await gw.call(`/api/auth/sso/lookup?${query}`, { key: null });
      assert.equal(res.status, 400, query);
      assert.equal(((await res.json()) as { error: { param: string } }).error.param, param, query);
    }
  });
});
