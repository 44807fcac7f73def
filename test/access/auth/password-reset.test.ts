import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { issuePasswordReset, type PasswordResetDeps } from '../../../src/access/auth/password-reset.ts';
import { createSmtpMailer } from '../../../src/access/mail/smtp-mailer.ts';
import type { Mailer } from '../../../src/access/mail/mailer.ts';
import { startGateway, type TestGateway } from '../../support/gateway.ts';
import { startSmtpServer, type TestSmtp } from '../../support/smtp.ts';
import { assertNoSecrets, auditText, createUser, expectError, newPassword, postSignIn, signIn, withSession } from './support.ts';

/** What an admin route hands to issuePasswordReset: the gateway's store, a mailer (or none). */
const depsOf = (gw: TestGateway, mailer?: Mailer): PasswordResetDeps => ({ store: gw.tg.store, mailer, publicUrl: undefined, log: pino({ level: 'silent' }) });

const tokenOf = (text: string) => /\/reset-password\?token=([A-Za-z0-9_-]{43})/.exec(text)?.[1];

describe('password reset over real SMTP', () => {
  let smtp: TestSmtp;
  let gw: TestGateway;
  let mailer: Mailer;
  const secrets: string[] = [];
  before(async () => {
    smtp = await startSmtpServer();
    gw = await startGateway({ env: { TOLLGATE_SMTP_URL: smtp.url, TOLLGATE_MAIL_FROM: 'Tollgate <noreply@tollgate.test>' } });
    mailer = createSmtpMailer({ url: smtp.url, from: 'Tollgate <noreply@tollgate.test>' });
    secrets.push('smtp-test-password');
  });
  after(async () => {
    await assertNoSecrets(gw, secrets);
    await mailer.close();
    await gw.close();
    await smtp.close();
  });

  const requestReset = (email: string) => gw.call('/api/auth/password-reset', { key: null, body: { email } });
  const confirm = (token: string, new_password: string) => gw.call('/api/auth/password-reset/confirm', { key: null, body: { token, new_password } });

  test('the mail arrives with a link; the token sets a new password once and ends every session', async () => {
    const ana = await createUser(gw, { email: 'ana.reset@example.com' });
    const browser = await signIn(gw, ana.email, ana.password);
    const res = await requestReset('ANA.reset@example.com');
    assert.equal(res.status, 202);

    const mail = await smtp.waitFor(ana.email);
    assert.equal(mail.subject, 'Reset your Tollgate password');
    assert.match(mail.fromHeader, /^"?Tollgate"? <noreply@tollgate\.test>$/);
    assert.equal(mail.from, 'noreply@tollgate.test');
    assert.ok(mail.text.includes(`${gw.url}/reset-password?token=`), mail.text);
    const token = tokenOf(mail.text)!;
    const password = newPassword();
    secrets.push(ana.password, token, password);

    await expectError(await confirm(token, 'short'), 400, 'weak_password', 'new_password');
    assert.equal((await confirm(token, password)).status, 204, 'a weak password did not burn the token');
    await expectError(await confirm(token, newPassword()), 400, 'invalid_or_expired_token', 'token');

    await expectError(await withSession(gw, browser, '/api/me'), 401, 'session_invalid');
    await expectError(await postSignIn(gw, { email: ana.email, password: ana.password }), 401, 'invalid_credentials');
    assert.equal((await postSignIn(gw, { email: ana.email, password })).status, 200);
    const row = await gw.tg.store.db.selectFrom('audit_events').selectAll().where('action', '=', 'user.password_reset').where('target', '=', ana.user.id).executeTakeFirstOrThrow();
    assert.deepEqual(JSON.parse(row.details), { sessions_ended: 1 });
  });

  test('an unknown email gets the same 202 and no mail', async () => {
    const bob = await createUser(gw);
    const unknown = await requestReset('nobody-here@example.com');
    const known = await requestReset(bob.email);
    assert.equal(unknown.status, 202);
    assert.equal(known.status, 202);
    assert.deepEqual(await unknown.json(), await known.json());
    await smtp.waitFor(bob.email);
    assert.ok(!smtp.messages.some((m) => m.to.includes('nobody-here@example.com')));
    secrets.push(bob.password, tokenOf((await smtp.waitFor(bob.email)).text)!);
  });

  test('an expired token is refused; a new request revokes the earlier link', async () => {
    const cy = await createUser(gw);
    const first = await issuePasswordReset(depsOf(gw, mailer), cy.user);
    const second = await issuePasswordReset(depsOf(gw, mailer), cy.user);
    secrets.push(cy.password, first.token, second.token);
    await expectError(await confirm(first.token, newPassword()), 400, 'invalid_or_expired_token', 'token');
    await gw.tg.store.db.updateTable('one_time_tokens').set({ expires_at: Date.now() - 1 }).where('subject', '=', cy.user.id).execute();
    await expectError(await confirm(second.token, newPassword()), 400, 'invalid_or_expired_token', 'token');
    await expectError(await confirm('not-a-token', newPassword()), 400, 'invalid_or_expired_token', 'token');
    await expectError(await confirm('A'.repeat(43), newPassword()), 400, 'invalid_or_expired_token', 'token');
  });

  test('issuePasswordReset (admin-triggered) mails the link and returns it; a disabled account is not mailed on request', async () => {
    const dee = await createUser(gw);
    const issued = await issuePasswordReset(depsOf(gw, mailer), dee.user, { origin: 'https://admin.example', ctx: { actorId: gw.tg.home.owner.id, orgId: gw.tg.home.org.id } });
    secrets.push(dee.password, issued.token);
    assert.equal(issued.mailed, true);
    assert.equal(issued.url, `https://admin.example/reset-password?token=${issued.token}`);
    const mail = await smtp.waitFor(dee.email);
    assert.ok(mail.text.includes(issued.url));
    const row = await gw.tg.store.db.selectFrom('audit_events').selectAll().where('action', '=', 'user.password_reset_issued').where('target', '=', dee.user.id).executeTakeFirstOrThrow();
    assert.equal(row.actor, gw.tg.home.owner.id);

    const off = await createUser(gw);
    await gw.tg.store.db.updateTable('users').set({ status: 'disabled' }).where('id', '=', off.user.id).execute();
    const marker = await createUser(gw);
    assert.equal((await requestReset(off.email)).status, 202);
    assert.equal((await requestReset(marker.email)).status, 202);
    secrets.push(off.password, marker.password, tokenOf((await smtp.waitFor(marker.email)).text)!);
    assert.ok(!smtp.messages.some((m) => m.to.includes(off.email)));
  });

  test('reset-link poisoning: a forged Host or X-Forwarded-Host header does not change the link', async () => {
    const eve = await createUser(gw);
    // fetch always sends the real Host; node:http sends what it is told.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const body = JSON.stringify({ email: eve.email });
      const headers = { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'content-type': 'application/json', 'content-length': String(body.length) };
      const req = http.request(`${gw.url}/api/auth/password-reset`, { method: 'POST', headers }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', reject);
      req.end(body);
    });
    assert.equal(status, 202);
    const mail = await smtp.waitFor(eve.email);
    secrets.push(eve.password, tokenOf(mail.text)!);
    assert.ok(!mail.text.includes('evil.example'), mail.text);
    assert.ok(mail.text.includes(`${gw.url}/reset-password?token=`));
  });

  test('the mailer: wrong SMTP credentials fail the send without putting the password in the error', async () => {
    const url = new URL(smtp.url);
    url.password = 'wrong-smtp-secret-123';
    const bad = createSmtpMailer({ url: url.toString(), from: 'Tollgate <noreply@tollgate.test>', timeoutMs: 2_000 });
    try {
      await assert.rejects(bad.send({ to: 'x@example.com', subject: 's', text: 't' }), (err: Error) => {
        assert.ok(!err.message.includes('wrong-smtp-secret-123'), err.message);
        assert.match(err.message, /could not be sent/);
        return true;
      });
    } finally {
      await bad.close();
    }
  });

  test('bad input names the field', async () => {
    await expectError(await requestReset('not-an-email'), 400, 'invalid_email', 'email');
    await expectError(await gw.call('/api/auth/password-reset', { key: null, body: {} }), 400, 'invalid_parameter', 'email');
    await expectError(await gw.call('/api/auth/password-reset/confirm', { key: null, body: { new_password: newPassword() } }), 400, 'invalid_parameter', 'token');
    await expectError(await gw.call('/api/auth/password-reset/confirm', { key: null, body: { token: 'x' } }), 400, 'invalid_parameter', 'new_password');
  });

  test('no reset token, password or SMTP password in logs or change records', async () => {
    const text = await auditText(gw);
    for (const m of smtp.messages) {
      const token = tokenOf(m.text);
      if (token) assert.ok(!text.includes(token) && !gw.logs.join('\n').includes(token));
    }
  });
});

describe('password reset without SMTP', () => {
  test('the request is still 202; issuePasswordReset returns the link without mailing it', async () => {
    const gw = await startGateway();
    try {
      const ed = await createUser(gw);
      assert.equal((await gw.call('/api/auth/password-reset', { key: null, body: { email: ed.email } })).status, 202);
      const issued = await issuePasswordReset(depsOf(gw), ed.user, { origin: gw.url });
      assert.equal(issued.mailed, false);
      assert.ok(issued.url.startsWith(`${gw.url}/reset-password?token=`));
      assert.equal((await gw.call('/api/auth/password-reset/confirm', { key: null, body: { token: issued.token, new_password: newPassword() } })).status, 204);
    } finally {
      await gw.close();
    }
  });
});
