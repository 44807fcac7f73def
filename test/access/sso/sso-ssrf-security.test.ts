import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startGateway, type TestGateway } from '../../support/gateway.ts';
import { errorOf } from './sso-support.ts';

/*
 * Issue 8, point 6: server-side request forgery through the SSO issuer. An owner could set the
 * issuer to a loopback, private, link-local or metadata address, and an anonymous
 * GET /api/auth/sso/{org}/start made Tollgate call it (and the endpoints its discovery named).
 */
describe('SSO issuer: no requests to internal addresses', () => {
  let gw: TestGateway;
  let internal: Server;
  let port: number;
  let hits = 0;
  before(async () => {
    // An "internal service" on loopback that answers like an IdP would.
    internal = createServer((req, res) => {
      hits++;
      const issuer = `http://127.0.0.1:${port}`;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer, authorization_endpoint: `${issuer}/auth`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks` }));
    });
    await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
    port = (internal.address() as AddressInfo).port;
    gw = await startGateway({ publicUrl: true });
  });
  after(async () => {
    await gw?.close();
    await new Promise<void>((resolve) => internal.close(() => resolve()));
  });

  const settings = (issuer: string) => ({ issuer, client_id: 'tollgate', client_secret: 'x', scopes: null, groups_claim: 'groups', group_rules: [], default_team_id: null, default_role: null, allowed_email_domains: null, jit: true });

  test('an owner cannot set an issuer on a loopback, private, link-local or metadata address', async () => {
    const bad = [
      `http://127.0.0.1:${port}`,
      `https://127.0.0.1:${port}`,
      `https://[::1]:${port}`,
      `https://0x7f.0.0.1:${port}`,
      `https://2130706433:${port}`,
      `https://[::ffff:127.0.0.1]:${port}`,
      'https://169.254.169.254',
      'https://metadata.google.internal',
      'https://10.0.0.8',
      'https://[fd00::1]',
      'http://login.example.com',
    ];
    for (const issuer of bad) {
      const res = await gw.call(`/api/orgs/${gw.tg.home.org.id}/sso`, { method: 'PUT', body: { issuer, client_id: 'tollgate', client_secret: 'x' } });
      assert.equal(res.status, 400, `${issuer}: ${await res.clone().text()}`);
      const error = await errorOf(res);
      assert.equal(error.param, 'issuer', issuer);
    }
    assert.equal(hits, 0);
  });

  test('an issuer that passes the form check but resolves to loopback is refused when called', async () => {
    const put = await gw.call(`/api/orgs/${gw.tg.home.org.id}/sso`, { method: 'PUT', body: { issuer: `https://localhost:${port}`, client_id: 'tollgate', client_secret: 'x' } });
    assert.equal(put.status, 200, await put.clone().text());
    const start = await gw.call(`/api/auth/sso/${gw.tg.home.org.id}/start`, { key: null });
    assert.equal(start.status, 502, await start.clone().text());
    const error = await errorOf(start);
    assert.equal(error.code, 'sso_provider_not_allowed');
    assert.equal(hits, 0, 'nothing reached the internal service');
  });

  test('settings stored before this check (an http loopback issuer) are refused at sign-in, anonymously', async () => {
    for (const issuer of [`http://127.0.0.1:${port}`, `http://[::ffff:7f00:1]:${port}`, 'http://169.254.169.254']) {
      await gw.tg.store.db.updateTable('orgs').set({ sso: JSON.stringify(settings(issuer)) }).where('id', '=', gw.tg.home.org.id).execute();
      const start = await gw.call(`/api/auth/sso/${gw.tg.home.org.id}/start`, { key: null });
      assert.equal(start.status, 502, `${issuer}: ${await start.clone().text()}`);
      assert.equal((await errorOf(start)).code, 'sso_provider_not_allowed');
    }
    assert.equal(hits, 0, 'nothing reached the internal service');
  });
});
