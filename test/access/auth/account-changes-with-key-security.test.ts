import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startGateway, type TestGateway } from '../../support/gateway.ts';
import { createUser, expectError, signIn, withSession, type TestUser } from './support.ts';

/*
 * Issue 8, point 2: a personal key could enrol TOTP for its user (locking the person out of
 * password sign-in and handing the recovery codes to the key holder), change the password and end
 * sessions. How a person signs in is changed by the person, signed in: a session, never a key.
 */
describe('account changes need a signed-in session, not a key', () => {
  let gw: TestGateway;
  let ana: TestUser;
  let key: string;
  before(async () => {
    gw = await startGateway();
    ana = await createUser(gw);
    key = (await gw.tg.keys.create({ name: 'ana cli', orgId: gw.tg.home.org.id, teamId: gw.tg.home.defaultTeam.id, userId: ana.user.id }, { actorId: 'system', orgId: gw.tg.home.org.id })).secret;
  });
  after(() => gw.close());

  const routes: [string, string, unknown][] = [
    ['POST', '/api/me/2fa', {}],
    ['POST', '/api/me/2fa/confirm', { code: '123456' }],
    ['DELETE', '/api/me/2fa', { password: 'whatever-it-is' }],
    ['POST', '/api/me/2fa/recovery-codes', { code: '123456' }],
    ['POST', '/api/me/password', { current_password: 'whatever-it-is', new_password: 'a-brand-new-passphrase' }],
    ['GET', '/api/me/sessions', undefined],
    ['DELETE', '/api/me/sessions/ses_anything', undefined],
  ];

  test('a personal key gets 403 session_required, in OpenAI shape, naming why', async () => {
    for (const [method, path, body] of routes) {
      const res = await gw.call(path, { key, method, ...(body === undefined ? {} : { body }) });
      const err = await expectError(res, 403, 'session_required');
      assert.equal(err.error.type, 'permission_error', `${method} ${path}`);
      assert.match(err.error.message, /sign in/i, `${method} ${path}: ${err.error.message}`);
      assert.match(err.error.message, /key/i, `${method} ${path}: ${err.error.message}`);
    }
    const row = await gw.tg.store.db.selectFrom('users').select(['totp_secret', 'password_hash']).where('id', '=', ana.user.id).executeTakeFirstOrThrow();
    assert.equal(row.totp_secret, null, 'no enrolment started by the key');
  });

  test('the admin key (the owner\'s personal key) is refused the same way', async () => {
    await expectError(await gw.call('/api/me/2fa', { method: 'POST', body: {} }), 403, 'session_required');
  });

  test('with a session the same routes work, and the key still reads its profile', async () => {
    const s = await signIn(gw, ana.email, ana.password);
    assert.equal((await withSession(gw, s, '/api/me/sessions')).status, 200);
    assert.equal((await withSession(gw, s, '/api/me/2fa', { method: 'POST', body: {} })).status, 200);
    assert.equal((await gw.call('/api/me', { key })).status, 200);
  });
});
