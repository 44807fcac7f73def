import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startGateway, type TestGateway } from '../../support/gateway.ts';
import { assertNoSecrets, createUser, expectError, postSignIn, sessionCookie, sessionCookieLine, signIn, withSession, type TestUser } from './support.ts';

describe('sign-in and sessions over HTTP', () => {
  let gw: TestGateway;
  let ana: TestUser;
  const secrets: string[] = [];
  before(async () => {
    gw = await startGateway();
    ana = await createUser(gw, { email: 'ana@example.com', teamRole: 'admin' });
    secrets.push(ana.password);
  });
  after(async () => {
    await assertNoSecrets(gw, secrets);
    await gw.close();
  });

  test('sign-in sets an HttpOnly SameSite=Lax cookie (not Secure over http) and returns the user and a CSRF token', async () => {
    const res = await postSignIn(gw, { email: 'Ana@Example.com', password: ana.password });
    assert.equal(res.status, 200);
    const line = sessionCookieLine(res) ?? '';
    assert.match(line, /HttpOnly/i);
    assert.match(line, /SameSite=Lax/i);
    assert.match(line, /Path=\//);
    assert.doesNotMatch(line, /Secure/i);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const body = (await res.json()) as { user: { id: string; email: string }; csrf_token: string; session: { id: string; method: string; current: boolean } };
    assert.equal(body.user.id, ana.user.id);
    assert.equal(body.user.email, 'ana@example.com');
    assert.equal(body.session.method, 'password');
    assert.equal(body.session.current, true);
    assert.ok(body.csrf_token.length >= 20);
    const text = JSON.stringify(body);
    assert.ok(!text.includes(sessionCookie(res)!), 'the cookie value is not in the body');
    assert.ok(!text.includes('argon2'), 'no password hash');
    secrets.push(sessionCookie(res)!);
  });

  test('GET /api/me with the cookie: user, org, memberships with team names, CSRF token, 2FA state', async () => {
    const s = await signIn(gw, ana.email, ana.password);
    const res = await withSession(gw, s, '/api/me');
    assert.equal(res.status, 200);
    const me = (await res.json()) as Record<string, any>;
    assert.equal(me.via, 'session');
    assert.equal(me.user.id, ana.user.id);
    assert.equal(me.key, null);
    assert.equal(me.org.id, gw.tg.home.org.id);
    assert.deepEqual(me.memberships, [{ team_id: gw.tg.home.defaultTeam.id, team_name: 'Default', role: 'admin' }]);
    assert.equal(me.org_role, null);
    assert.equal(me.csrf_token, s.csrf);
    assert.deepEqual(me.two_factor, { enabled: false, required_by_org: false });
  });

  test('GET /api/me with a key: the owner through their personal key; a service key describes itself', async () => {
    const owner = (await (await gw.call('/api/me')).json()) as Record<string, any>;
    assert.equal(owner.via, 'key');
    assert.equal(owner.user.id, gw.tg.home.owner.id);
    assert.equal(owner.org_role, 'owner');
    assert.equal(owner.key.kind, 'personal');
    assert.equal(owner.csrf_token, undefined);

    const created = await gw.call('/api/keys', { body: { name: 'ci', kind: 'service', team_id: gw.tg.home.defaultTeam.id, role: 'viewer' } });
    assert.equal(created.status, 201, await created.clone().text());
    const service = (await created.json()) as { id: string; key: string };
    secrets.push(service.key);
    const me = (await (await gw.call('/api/me', { key: service.key })).json()) as Record<string, any>;
    assert.equal(me.user, null);
    assert.equal(me.key.id, service.id);
    assert.equal(me.key.kind, 'service');
    assert.equal(me.key.team_id, gw.tg.home.defaultTeam.id);
    assert.equal(me.key.role, 'viewer');
    assert.deepEqual(me.two_factor, { enabled: false, required_by_org: false });
    await expectError(await gw.call('/api/me', { key: service.key, method: 'PATCH', body: { name: 'x' } }), 400, 'not_a_user');
  });

  test('wrong password, unknown email, disabled and password-less accounts all get the same 401', async () => {
    const disabled = await createUser(gw);
    await gw.tg.store.db.updateTable('users').set({ status: 'disabled' }).where('id', '=', disabled.user.id).execute();
    const sso = await createUser(gw, { password: null });
    const attempts = [
      { email: ana.email, password: 'not-the-password-at-all' },
      { email: 'nobody@example.com', password: 'not-the-password-at-all' },
      { email: disabled.email, password: disabled.password },
      { email: sso.email, password: 'anything-at-all-here' },
    ];
    const answers: string[] = [];
    for (const body of attempts) {
      const res = await postSignIn(gw, body);
      assert.equal(res.status, 401);
      assert.equal(sessionCookie(res), undefined, 'no cookie on failure');
      answers.push(await res.text());
    }
    assert.equal(new Set(answers).size, 1, answers.join('\n'));
    assert.equal((JSON.parse(answers[0]!) as { error: { code: string } }).error.code, 'invalid_credentials');
    // Security monitoring sees each failure with the account (when it exists) and the address, never the password.
    const failures = gw.logs.filter((l) => l.includes('sign-in failed')).map((l) => JSON.parse(l) as { userId: string | null; ip: string });
    assert.ok(failures.some((f) => f.userId === ana.user.id && f.ip.includes('127.0.0.1')));
    assert.ok(failures.some((f) => f.userId === null), 'an unknown address is logged without an account');
    assert.ok(!gw.logs.join('').includes('not-the-password-at-all'));
  });

  test('an unknown email costs about as much time as a wrong password (a hash is verified either way)', async () => {
    const time = async (email: string) => {
      const t0 = performance.now();
      await postSignIn(gw, { email, password: 'not-the-password-at-all' });
      return performance.now() - t0;
    };
    await time('warm-up@example.com');
    const known = Math.min(await time(ana.email), await time(ana.email));
    const unknown = Math.min(await time('ghost1@example.com'), await time('ghost2@example.com'));
    assert.ok(unknown > known * 0.25, `unknown ${unknown.toFixed(1)} ms vs known ${known.toFixed(1)} ms`);
  });

  test('sign-in rotates: the cookie presented at sign-in stops working, the new one works', async () => {
    const first = await signIn(gw, ana.email, ana.password);
    const res = await postSignIn(gw, { email: ana.email, password: ana.password }, first.cookie);
    assert.equal(res.status, 200);
    const second = sessionCookie(res)!;
    assert.notEqual(second, first.cookie);
    await expectError(await withSession(gw, first, '/api/me'), 401, 'session_invalid');
    assert.equal((await gw.call('/api/me', { key: null, headers: { cookie: `tg_session=${second}` } })).status, 200);
  });

  test('sign-out ends the session and clears the cookie; the cookie is refused afterwards', async () => {
    const s = await signIn(gw, ana.email, ana.password);
    const res = await withSession(gw, s, '/api/auth/sign-out', { method: 'POST' });
    assert.equal(res.status, 204);
    assert.equal(sessionCookie(res), '', 'the cookie is cleared');
    await expectError(await withSession(gw, s, '/api/me'), 401, 'session_invalid');
    await expectError(await withSession(gw, s, '/api/auth/sign-out', { method: 'POST' }), 401, 'session_invalid');
  });

  test('a state-changing request with a valid cookie but no or a wrong CSRF token is refused', async () => {
    const s = await signIn(gw, ana.email, ana.password);
    await expectError(await withSession(gw, s, '/api/auth/sign-out', { method: 'POST', csrf: false }), 403, 'csrf_token_invalid');
    await expectError(await withSession(gw, s, '/api/me', { method: 'PATCH', body: { name: 'Mallory' }, csrf: false }), 403, 'csrf_token_invalid');
    await expectError(await withSession(gw, s, '/api/me', { method: 'PATCH', body: { name: 'Mallory' }, csrf: 'x'.repeat(32) }), 403, 'csrf_token_invalid');
    const me = (await (await withSession(gw, s, '/api/me')).json()) as { user: { name: string } };
    assert.notEqual(me.user.name, 'Mallory');
    assert.equal((await withSession(gw, s, '/api/me')).status, 200, 'the session still works');
  });

  test('a key cannot sign out: 400 says why', async () => {
    const body = await expectError(await gw.call('/api/auth/sign-out', { method: 'POST' }), 400, 'keys_cannot_sign_out');
    assert.match(body.error.message, /key/);
  });

  test('PATCH /api/me renames the user and writes a change record', async () => {
    const s = await signIn(gw, ana.email, ana.password);
    const res = await withSession(gw, s, '/api/me', { method: 'PATCH', body: { name: '  Ana   Pérez ' } });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { user: { name: string } }).user.name, 'Ana Pérez');
    const row = await gw.tg.store.db.selectFrom('audit_events').selectAll().where('action', '=', 'user.updated').where('target', '=', ana.user.id).executeTakeFirstOrThrow();
    assert.equal(row.actor, ana.user.id);
    assert.equal((JSON.parse(row.after!) as { name: string }).name, 'Ana Pérez');
    assert.ok(!row.after!.includes('argon2') && !row.before!.includes('argon2'));
  });

  test('sign-in writes a change record without the cookie or the CSRF token', async () => {
    const s = await signIn(gw, ana.email, ana.password);
    const row = await gw.tg.store.db.selectFrom('audit_events').selectAll().where('action', '=', 'user.signed_in').where('target', '=', s.body.session.id).executeTakeFirstOrThrow();
    assert.equal(row.actor, ana.user.id);
    const text = JSON.stringify(row);
    assert.ok(!text.includes(s.cookie) && !text.includes(s.csrf));
  });

  test('a failed sign-in to an existing account is in the audit log (who was tried, from where, why), never the password tried', async () => {
    const wrong = 'not-anas-password-Zq81';
    const failures = () => gw.tg.store.db.selectFrom('audit_events').selectAll().where('action', '=', 'user.sign_in_failed').where('target', '=', ana.user.id).orderBy('at', 'desc').execute();
    const earlier = (await failures()).length; // other tests here fail sign-ins too
    const res = await postSignIn(gw, { email: ana.email, password: wrong });
    assert.equal(res.status, 401);
    const rows = await failures();
    assert.equal(rows.length, earlier + 1);
    const row = rows[0]!;
    assert.equal(row.actor, 'anonymous');
    assert.equal(row.ip, '127.0.0.1');
    assert.equal(row.org_id, ana.user.org_id);
    assert.deepEqual(JSON.parse(row.details), { reason: 'invalid_credentials' });
    assert.ok(!JSON.stringify(row).includes(wrong));
    // An admin reads it through the audit API.
    const listed = (await (await gw.call(`/api/audit?action=user.sign_in_failed&target=${ana.user.id}`)).json()) as { data: { id: string; actor: string }[] };
    assert.equal(listed.data.length, earlier + 1);
    assert.equal(listed.data[0]?.id, row.id);
    // An email nobody has leaves no audit record (a stranger cannot fill the log).
    const before = await gw.tg.store.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal((await postSignIn(gw, { email: 'nobody-here@example.com', password: wrong })).status, 401);
    const afterCount = await gw.tg.store.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(afterCount.n), Number(before.n));
  });
});

describe('sign-in with TOLLGATE_SECURE_COOKIES=on', () => {
  test('the session cookie is Secure', async () => {
    const gw = await startGateway({ env: { TOLLGATE_SECURE_COOKIES: 'on' } });
    try {
      const bo = await createUser(gw);
      const res = await postSignIn(gw, { email: bo.email, password: bo.password });
      assert.equal(res.status, 200);
      const line = sessionCookieLine(res) ?? '';
      assert.match(line, /;\s*Secure/i);
      assert.match(line, /HttpOnly/i);
      assert.match(line, /SameSite=Lax/i);
    } finally {
      await gw.close();
    }
  });
});
