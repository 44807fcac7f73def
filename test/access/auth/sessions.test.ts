import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startGateway, type TestGateway } from '../../support/gateway.ts';
import { storeKinds, type TestStore } from '../../support/stores.ts';
import { assertNoSecrets, createUser, expectError, newPassword, postSignIn, sessionCookie, signIn, withSession } from './support.ts';

interface SessionList {
  object: 'list';
  data: { id: string; current: boolean; method: string; ip: string; user_agent: string | null }[];
}

for (const kind of storeKinds()) describe(`own sessions and password change over HTTP (${kind.name})`, () => {
  let gw: TestGateway;
  let ts: TestStore;
  const secrets: string[] = [];
  before(async () => {
    ts = await kind.create();
    gw = await startGateway({ store: ts });
  });
  after(async () => {
    await assertNoSecrets(gw, secrets);
    await gw.close();
    await ts.dispose();
  });

  test('list own sessions (the current one marked); end another one and its cookie stops working', async () => {
    const ana = await createUser(gw);
    const laptop = await signIn(gw, ana.email, ana.password);
    const phone = await signIn(gw, ana.email, ana.password);
    const list = (await (await withSession(gw, laptop, '/api/me/sessions')).json()) as SessionList;
    assert.equal(list.object, 'list');
    assert.deepEqual(list.data.map((s) => s.id).sort(), [laptop.body.session.id, phone.body.session.id].sort());
    assert.equal(list.data.find((s) => s.current)?.id, laptop.body.session.id);
    assert.ok(!JSON.stringify(list).includes(phone.cookie) && !JSON.stringify(list).includes(phone.csrf), 'no cookie or CSRF token of another session');

    const end = await withSession(gw, laptop, `/api/me/sessions/${phone.body.session.id}`, { method: 'DELETE' });
    assert.equal(end.status, 204);
    await expectError(await withSession(gw, phone, '/api/me'), 401, 'session_invalid');
    const after = (await (await withSession(gw, laptop, '/api/me/sessions')).json()) as SessionList;
    assert.deepEqual(after.data.map((s) => s.id), [laptop.body.session.id]);
    await expectError(await withSession(gw, laptop, `/api/me/sessions/${phone.body.session.id}`, { method: 'DELETE' }), 404, 'session_not_found', 'id');
  });

  test("cannot end another user's session: 404, and it keeps working", async () => {
    const ana = await createUser(gw);
    const bob = await createUser(gw);
    const anas = await signIn(gw, ana.email, ana.password);
    const bobs = await signIn(gw, bob.email, bob.password);
    await expectError(await withSession(gw, anas, `/api/me/sessions/${bobs.body.session.id}`, { method: 'DELETE' }), 404, 'session_not_found', 'id');
    assert.equal((await withSession(gw, bobs, '/api/me')).status, 200);
    const list = (await (await withSession(gw, anas, '/api/me/sessions')).json()) as SessionList;
    assert.ok(!list.data.some((s) => s.id === bobs.body.session.id), "another user's sessions are not listed");
  });

  test('a stolen cookie stops working after a password change; the caller gets a fresh session', async () => {
    const ana = await createUser(gw);
    const mine = await signIn(gw, ana.email, ana.password);
    const stolen = await signIn(gw, ana.email, ana.password);
    const password = newPassword();
    secrets.push(ana.password, password);
    const res = await withSession(gw, mine, '/api/me/password', { method: 'POST', body: { current_password: ana.password, new_password: password } });
    assert.equal(res.status, 200, await res.clone().text());
    const body = (await res.json()) as { sessions_ended: number; csrf_token: string; session: { id: string } };
    assert.equal(body.sessions_ended, 2);
    const fresh = { cookie: sessionCookie(res)!, csrf: body.csrf_token };
    assert.ok(fresh.cookie && fresh.cookie !== mine.cookie);

    await expectError(await withSession(gw, stolen, '/api/me'), 401, 'session_invalid');
    await expectError(await withSession(gw, mine, '/api/me'), 401, 'session_invalid');
    assert.equal((await withSession(gw, fresh, '/api/me')).status, 200);
    assert.equal((await withSession(gw, fresh, '/api/me', { method: 'PATCH', body: { name: 'Ana' } })).status, 200, 'the fresh CSRF token works');

    await expectError(await postSignIn(gw, { email: ana.email, password: ana.password }), 401, 'invalid_credentials');
    assert.equal((await postSignIn(gw, { email: ana.email, password })).status, 200);
    const row = await gw.tg.store.db.selectFrom('audit_events').selectAll().where('action', '=', 'user.password_changed').where('target', '=', ana.user.id).executeTakeFirstOrThrow();
    assert.equal(row.actor, ana.user.id);
    assert.deepEqual(JSON.parse(row.details), { sessions_ended: 2 });
  });

  test('password change: wrong current password, weak new password, missing field, SSO account', async () => {
    const ana = await createUser(gw);
    const s = await signIn(gw, ana.email, ana.password);
    const change = (body: unknown) => withSession(gw, s, '/api/me/password', { method: 'POST', body });
    await expectError(await change({ current_password: 'wrong-password-here', new_password: newPassword() }), 400, 'incorrect_password', 'current_password');
    await expectError(await change({ current_password: ana.password, new_password: 'short' }), 400, 'weak_password', 'new_password');
    await expectError(await change({ current_password: ana.password }), 400, 'invalid_parameter', 'new_password');
    await expectError(await change({ new_password: newPassword() }), 400, 'invalid_parameter', 'current_password');
    assert.equal((await withSession(gw, s, '/api/me')).status, 200, 'failed attempts leave the session alone');

    // An account that signs in with single sign-on (no password), signed in through it.
    const sso = await createUser(gw, { password: null });
    const started = await gw.tg.sessions.start(sso.user.id, { ip: '127.0.0.1', userAgent: undefined, method: 'sso' });
    secrets.push(started.token);
    const res = await withSession(gw, { cookie: started.token, csrf: started.session.csrf_token }, '/api/me/password', {
      method: 'POST',
      body: { current_password: 'anything-at-all', new_password: newPassword() },
    });
    await expectError(res, 400, 'no_password', 'current_password');
  });

  test('with a personal key the password cannot change (a session is needed); sessions and the key are untouched', async () => {
    const ana = await createUser(gw);
    const browser = await signIn(gw, ana.email, ana.password);
    const created = await gw.tg.keys.create({ name: 'ana cli', orgId: gw.tg.home.org.id, userId: ana.user.id }, { actorId: 'system', orgId: gw.tg.home.org.id });
    const password = newPassword();
    secrets.push(created.secret, password);
    const res = await gw.call('/api/me/password', { key: created.secret, body: { current_password: ana.password, new_password: password } });
    await expectError(res, 403, 'session_required');
    assert.equal((await withSession(gw, browser, '/api/me')).status, 200);
    assert.equal((await postSignIn(gw, { email: ana.email, password: ana.password })).status, 200, 'the old password still works');
    assert.equal((await gw.call('/api/me', { key: created.secret })).status, 200);
  });

  test('ending the current session through DELETE /api/me/sessions/:id clears the cookie', async () => {
    const ana = await createUser(gw);
    const s = await signIn(gw, ana.email, ana.password);
    const res = await withSession(gw, s, `/api/me/sessions/${s.body.session.id}`, { method: 'DELETE' });
    assert.equal(res.status, 204);
    assert.equal(sessionCookie(res), '');
    await expectError(await withSession(gw, s, '/api/me'), 401, 'session_invalid');
  });
});
