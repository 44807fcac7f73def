import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startGateway, type TestGateway } from '../support/gateway.ts';

const hello = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] };

describe('behind a trusted proxy (TOLLGATE_TRUST_PROXY)', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway({ env: { TOLLGATE_TRUST_PROXY: '127.0.0.1' } });
  });
  after(() => gw.close());

  test('IP allowlists judge the forwarded client address, and last use records it', async () => {
    const res = await gw.call('/api/keys', { body: { name: 'office only', ip_allowlist: ['203.0.113.0/24', '2001:db8:1::/48'] } });
    const created = (await res.json()) as { id: string; key: string };
    const from = (ip: string) => gw.call('/v1/chat/completions', { key: created.key, body: hello, headers: { 'x-forwarded-for': ip } });
    assert.equal((await from('203.0.113.7')).status, 200);
    assert.equal((await from('2001:db8:1::42')).status, 200);
    const outside = await from('198.51.100.9');
    assert.equal(outside.status, 403);
    assert.equal(((await outside.json()) as { error: { code: string } }).error.code, 'ip_not_allowed');
    assert.equal((await gw.call('/v1/chat/completions', { key: created.key, body: hello })).status, 403, 'the proxy\'s own address is not in the list');
    await gw.tg.keys.flushTouches();
    const view = (await (await gw.call(`/api/keys/${created.id}`)).json()) as { last_used_ip: string };
    assert.equal(view.last_used_ip, '2001:db8:1::42', 'refused requests do not count as use');
  });

  test('session cookies are Secure when the proxy says the client used https', async () => {
    const password = 'a long enough passphrase';
    const { PasswordHasher } = await import('../../src/access/credentials/index.ts');
    await gw.tg.store.db.updateTable('users').set({ password_hash: await new PasswordHasher().hash(password) }).where('id', '=', gw.tg.home.owner.id).execute();
    const signIn = (proto: string) =>
      gw.call('/api/auth/sign-in', { key: null, body: { email: gw.tg.home.owner.email, password }, headers: { 'x-forwarded-proto': proto } });
    const https = (await signIn('https')).headers.get('set-cookie') ?? '';
    assert.match(https, /tg_session=/);
    assert.match(https, /;\s*Secure/i);
    const http = (await signIn('http')).headers.get('set-cookie') ?? '';
    assert.match(http, /tg_session=/);
    assert.doesNotMatch(http, /;\s*Secure/i);
    assert.match(http, /HttpOnly/i);
    assert.match(http, /SameSite=Lax/i);
  });
});
