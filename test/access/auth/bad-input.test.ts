import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startGateway, type TestGateway } from '../../support/gateway.ts';
import { assertNoSecrets, createUser, expectError, postSignIn, signIn, withSession, type Session, type TestUser } from './support.ts';

describe('auth routes: bad input gets a 400 naming the field; no secret reaches logs or change records', () => {
  let gw: TestGateway;
  let ana: TestUser;
  let s: Session;
  before(async () => {
    gw = await startGateway();
    ana = await createUser(gw);
    s = await signIn(gw, ana.email, ana.password);
  });
  after(() => gw.close());

  test('sign-in: malformed email, missing fields, wrong types, unknown fields, both second factors', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ email: 'not-an-email', password: 'x' }, 'invalid_email', 'email'],
      [{ email: `${'a'.repeat(250)}@example.com`, password: 'x' }, 'invalid_email', 'email'],
      [{ password: 'x' }, 'invalid_parameter', 'email'],
      [{ email: ana.email }, 'invalid_parameter', 'password'],
      [{ email: ana.email, password: '' }, 'invalid_parameter', 'password'],
      [{ email: ana.email, password: 12 }, 'invalid_parameter', 'password'],
      [{ email: ana.email, password: 'x', totp_code: 123456 }, 'invalid_parameter', 'totp_code'],
      [{ email: ana.email, password: 'x', remember_me: true }, 'invalid_parameter', 'remember_me'],
      [{ email: ana.email, password: 'x', totp_code: '123456', recovery_code: 'abcd-efgh-jkmn-pqrs' }, 'invalid_parameter', 'recovery_code'],
    ];
    for (const [body, code, param] of cases) await expectError(await postSignIn(gw, body), 400, code, param);
    const res = await gw.call('/api/auth/sign-in', { key: null, body: '{"email":' });
    await expectError(res, 400, 'invalid_json');
  });

  test('PATCH /api/me: over-long, empty or control-character names, unknown fields', async () => {
    const patch = (body: unknown) => withSession(gw, s, '/api/me', { method: 'PATCH', body });
    await expectError(await patch({ name: 'x'.repeat(101) }), 400, 'invalid_name', 'name');
    await expectError(await patch({ name: '   ' }), 400, 'invalid_name', 'name');
    await expectError(await patch({ name: 'Ana\u202Eevil' }), 400, 'invalid_name', 'name');
    await expectError(await patch({ name: 42 }), 400, 'invalid_parameter', 'name');
    await expectError(await patch({ email: 'other@example.com' }), 400, 'invalid_parameter', 'email');
  });

  test('password, 2FA and session routes name the field', async () => {
    const post = (path: string, body: unknown, method = 'POST') => withSession(gw, s, path, { method, body });
    await expectError(await post('/api/me/password', {}), 400, 'invalid_parameter', 'current_password');
    await expectError(await post('/api/me/password', { current_password: ana.password, new_password: ' '.repeat(20) }), 400, 'weak_password', 'new_password');
    await expectError(await post('/api/me/password', { current_password: ana.password, new_password: 'x'.repeat(300) }), 400, 'weak_password', 'new_password');
    await expectError(await post('/api/me/2fa', { secret: 'mine' }), 400, 'invalid_parameter', 'secret');
    await expectError(await post('/api/me/2fa/confirm', { code: 123456 }), 400, 'invalid_parameter', 'code');
    await expectError(await post('/api/me/2fa/recovery-codes', {}), 400, 'invalid_parameter', 'code');
    await expectError(await post('/api/me/2fa', { code: '1'.repeat(40) }, 'DELETE'), 400, 'invalid_parameter', 'code');
    await expectError(await withSession(gw, s, '/api/me/sessions/ses_nope', { method: 'DELETE' }), 404, 'session_not_found', 'id');
  });

  test('unauthenticated calls to SELF routes get 401', async () => {
    for (const [method, path] of [['GET', '/api/me'], ['GET', '/api/me/sessions'], ['POST', '/api/auth/sign-out'], ['POST', '/api/me/2fa']] as const) {
      const res = await gw.call(path, { key: null, method });
      assert.equal(res.status, 401, `${method} ${path}`);
    }
  });

  test('after all of the above: no password, cookie or CSRF token in the logs or change records', async () => {
    await assertNoSecrets(gw, [ana.password, s.cookie, s.csrf]);
  });
});
