import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startGateway, type TestGateway } from '../../support/gateway.ts';
import { storeKinds, type TestStore } from '../../support/stores.ts';
import { assertNoSecrets, auditText, createUser, expectError, nextTotpCode, postSignIn, signIn, withSession, type Session, type TestUser } from './support.ts';

interface Enrolment {
  secret: string;
  otpauth_url: string;
}

for (const kind of storeKinds()) describe(`two-factor authentication over HTTP (${kind.name})`, () => {
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

  /** Signs a new user in, enrols and confirms TOTP; returns the secret and the recovery codes. */
  async function enrolled(): Promise<{ u: TestUser; s: Session; secret: string; recovery: string[] }> {
    const u = await createUser(gw);
    const s = await signIn(gw, u.email, u.password);
    const enrol = (await (await withSession(gw, s, '/api/me/2fa', { method: 'POST' })).json()) as Enrolment;
    const confirm = await withSession(gw, s, '/api/me/2fa/confirm', { method: 'POST', body: { code: await nextTotpCode(gw, u.user.id, enrol.secret) } });
    assert.equal(confirm.status, 200, await confirm.clone().text());
    const { recovery_codes } = (await confirm.json()) as { recovery_codes: string[] };
    secrets.push(u.password, enrol.secret, ...recovery_codes);
    return { u, s, secret: enrol.secret, recovery: recovery_codes };
  }

  test('enrol: a secret and otpauth URL; confirm with a wrong code is refused; a right one turns 2FA on with 10 recovery codes', async () => {
    const u = await createUser(gw);
    const s = await signIn(gw, u.email, u.password);
    await expectError(await withSession(gw, s, '/api/me/2fa/confirm', { method: 'POST', body: { code: '123456' } }), 400, 'no_pending_enrolment');
    const res = await withSession(gw, s, '/api/me/2fa', { method: 'POST' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const enrol = (await res.json()) as Enrolment;
    secrets.push(u.password, enrol.secret);
    assert.match(enrol.secret, /^[A-Z2-7]{32}$/);
    assert.ok(enrol.otpauth_url.startsWith('otpauth://totp/'));
    assert.ok(enrol.otpauth_url.includes(`secret=${enrol.secret}`));

    const me = (await (await withSession(gw, s, '/api/me')).json()) as { two_factor: { enabled: boolean } };
    assert.equal(me.two_factor.enabled, false, 'pending until confirmed');
    const wrongCode = (Number(await nextTotpCode(gw, u.user.id, enrol.secret)) + 1) % 1_000_000;
    await expectError(await withSession(gw, s, '/api/me/2fa/confirm', { method: 'POST', body: { code: String(wrongCode).padStart(6, '0') } }), 400, 'incorrect_totp_code', 'code');
    await expectError(await withSession(gw, s, '/api/me/2fa/confirm', { method: 'POST', body: {} }), 400, 'invalid_parameter', 'code');

    const confirm = await withSession(gw, s, '/api/me/2fa/confirm', { method: 'POST', body: { code: await nextTotpCode(gw, u.user.id, enrol.secret) } });
    assert.equal(confirm.status, 200);
    const body = (await confirm.json()) as { recovery_codes: string[]; user: { totp_enabled: boolean } };
    secrets.push(...body.recovery_codes);
    assert.equal(body.recovery_codes.length, 10);
    assert.equal(new Set(body.recovery_codes).size, 10);
    assert.equal(body.user.totp_enabled, true);
    const after = (await (await withSession(gw, s, '/api/me')).json()) as { two_factor: { enabled: boolean } };
    assert.equal(after.two_factor.enabled, true);
    await expectError(await withSession(gw, s, '/api/me/2fa', { method: 'POST' }), 400, 'two_factor_already_enabled');

    const audit = await auditText(gw);
    assert.ok(audit.includes('user.2fa_enrolment_started') && audit.includes('user.2fa_enabled'));
  });

  test('sign-in then needs a code: 401 totp_required without, invalid_totp_code when wrong, 200 with a fresh one', async () => {
    const { u, secret } = await enrolled();
    const res = await postSignIn(gw, { email: u.email, password: u.password });
    await expectError(res, 401, 'totp_required', 'totp_code');
    assert.equal(res.headers.getSetCookie().length, 0, 'no session without the code');
    await expectError(await postSignIn(gw, { email: u.email, password: u.password, totp_code: '000000' }), 401, 'invalid_totp_code', 'totp_code');
    await expectError(await postSignIn(gw, { email: u.email, password: 'wrong-password-x', totp_code: '000000' }), 401, 'invalid_credentials');
    const code = await nextTotpCode(gw, u.user.id, secret);
    const s = await signIn(gw, u.email, u.password, { totp_code: code });
    assert.equal(s.body.session.method, 'password+totp');
    await expectError(await postSignIn(gw, { email: u.email, password: u.password, totp_code: code }), 401, 'invalid_totp_code', 'totp_code');
  });

  test('the code used to confirm enrolment cannot be replayed at sign-in', async () => {
    const u = await createUser(gw);
    const s = await signIn(gw, u.email, u.password);
    const enrol = (await (await withSession(gw, s, '/api/me/2fa', { method: 'POST' })).json()) as Enrolment;
    secrets.push(u.password, enrol.secret);
    const code = await nextTotpCode(gw, u.user.id, enrol.secret);
    assert.equal((await withSession(gw, s, '/api/me/2fa/confirm', { method: 'POST', body: { code } })).status, 200);
    await expectError(await postSignIn(gw, { email: u.email, password: u.password, totp_code: code }), 401, 'invalid_totp_code');
  });

  test('a recovery code signs in once', async () => {
    const { u, recovery } = await enrolled();
    const s = await signIn(gw, u.email, u.password, { recovery_code: recovery[0]!.toUpperCase() });
    assert.equal(s.body.session.method, 'password+recovery');
    await expectError(await postSignIn(gw, { email: u.email, password: u.password, recovery_code: recovery[0] }), 401, 'invalid_recovery_code', 'recovery_code');
    assert.equal((await postSignIn(gw, { email: u.email, password: u.password, recovery_code: recovery[1] })).status, 200);
    const row = await gw.tg.store.db.selectFrom('audit_events').selectAll().where('action', '=', 'user.recovery_code_used').where('target', '=', u.user.id).orderBy('at', 'desc').executeTakeFirstOrThrow();
    assert.deepEqual(JSON.parse(row.after!), { recovery_codes_left: 8 });
  });

  test('new recovery codes replace the old ones (needs a current code)', async () => {
    const { u, s, secret, recovery } = await enrolled();
    await expectError(await withSession(gw, s, '/api/me/2fa/recovery-codes', { method: 'POST', body: { code: '000000' } }), 400, 'incorrect_totp_code', 'code');
    const res = await withSession(gw, s, '/api/me/2fa/recovery-codes', { method: 'POST', body: { code: await nextTotpCode(gw, u.user.id, secret) } });
    assert.equal(res.status, 200);
    const fresh = ((await res.json()) as { recovery_codes: string[] }).recovery_codes;
    secrets.push(...fresh);
    assert.equal(fresh.length, 10);
    await expectError(await postSignIn(gw, { email: u.email, password: u.password, recovery_code: recovery[2] }), 401, 'invalid_recovery_code');
    assert.equal((await postSignIn(gw, { email: u.email, password: u.password, recovery_code: fresh[0] })).status, 200);
  });

  test('turning 2FA off needs the password or a code; afterwards sign-in needs only the password', async () => {
    const { u, s } = await enrolled();
    await expectError(await withSession(gw, s, '/api/me/2fa', { method: 'DELETE', body: {} }), 400, 'invalid_parameter', 'code');
    await expectError(await withSession(gw, s, '/api/me/2fa', { method: 'DELETE', body: { password: 'wrong-password-x' } }), 400, 'incorrect_password', 'password');
    const res = await withSession(gw, s, '/api/me/2fa', { method: 'DELETE', body: { password: u.password } });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { user: { totp_enabled: boolean } }).user.totp_enabled, false);
    assert.equal((await postSignIn(gw, { email: u.email, password: u.password })).status, 200);
    await expectError(await withSession(gw, s, '/api/me/2fa', { method: 'DELETE', body: { password: u.password } }), 400, 'two_factor_not_enabled');
    const row = await gw.tg.store.db.selectFrom('audit_events').selectAll().where('action', '=', 'user.2fa_disabled').where('target', '=', u.user.id).executeTakeFirstOrThrow();
    assert.equal((JSON.parse(row.before!) as { totp_enabled: boolean }).totp_enabled, true);
    assert.equal((JSON.parse(row.after!) as { totp_enabled: boolean }).totp_enabled, false);
  });

  test('org policy require_2fa: only SELF routes until the user enrols; then the rest opens; 2FA cannot be turned off', async () => {
    const u = await createUser(gw, { teamRole: 'admin' });
    const s = await signIn(gw, u.email, u.password);
    await gw.tg.store.db.updateTable('orgs').set({ require_2fa: 1 }).where('id', '=', gw.tg.home.org.id).execute();
    try {
      await expectError(await withSession(gw, s, '/api/keys'), 403, 'two_factor_required');
      const me = (await (await withSession(gw, s, '/api/me')).json()) as { two_factor: { enabled: boolean; required_by_org: boolean } };
      assert.deepEqual(me.two_factor, { enabled: false, required_by_org: true });

      const enrol = (await (await withSession(gw, s, '/api/me/2fa', { method: 'POST' })).json()) as Enrolment;
      secrets.push(u.password, enrol.secret);
      await expectError(await withSession(gw, s, '/api/keys'), 403, 'two_factor_required');
      const code = await nextTotpCode(gw, u.user.id, enrol.secret);
      assert.equal((await withSession(gw, s, '/api/me/2fa/confirm', { method: 'POST', body: { code } })).status, 200);
      assert.equal((await withSession(gw, s, '/api/keys')).status, 200);
      await expectError(await withSession(gw, s, '/api/me/2fa', { method: 'DELETE', body: { password: u.password } }), 403, 'two_factor_required_by_org');
    } finally {
      await gw.tg.store.db.updateTable('orgs').set({ require_2fa: 0 }).where('id', '=', gw.tg.home.org.id).execute();
    }
  });

  test('no TOTP secret or recovery code in GET /api/me, the user view, or change records', async () => {
    const { s, secret, recovery } = await enrolled();
    const me = await (await withSession(gw, s, '/api/me')).text();
    assert.ok(!me.includes(secret));
    for (const code of recovery) assert.ok(!me.includes(code));
    const audit = await auditText(gw);
    assert.ok(!audit.includes(secret));
  });
});
