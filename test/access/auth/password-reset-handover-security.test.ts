import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startGateway, type TestGateway } from '../../support/gateway.ts';
import { startSmtpServer, type TestSmtp } from '../../support/smtp.ts';
import { createUser, expectError, newPassword } from './support.ts';

/*
 * Issue 8, point 1 (every route that returns a secret): POST /api/users/:id/password-reset returned
 * the reset link to the owner who asked, even when it was mailed, so an owner could take over any
 * account of the organization, another owner's included. A reset link is a credential for the
 * account: it goes to the account's address; only without mail is it handed over, and then only
 * for an account weaker than the caller.
 */
const tokenOf = (text: string) => /token=([A-Za-z0-9_-]{43})/.exec(text)?.[1];
const verified = async (gw: TestGateway, id: string) => (await gw.tg.store.db.selectFrom('users').select('email_verified_at').where('id', '=', id).executeTakeFirstOrThrow()).email_verified_at !== null;

describe('admin-triggered password reset with mail: the link goes to the user only', () => {
  let smtp: TestSmtp;
  let gw: TestGateway;
  before(async () => {
    smtp = await startSmtpServer();
    gw = await startGateway({ env: { TOLLGATE_SMTP_URL: smtp.url } });
  });
  after(async () => {
    await gw.close();
    await smtp.close();
  });

  test('the answer holds no link; the mailed link works and proves the address', async () => {
    const dee = await createUser(gw);
    const res = await gw.call(`/api/users/${dee.user.id}/password-reset`, { method: 'POST' });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    const body = JSON.parse(text) as { mailed: boolean; url?: unknown };
    assert.equal(body.mailed, true);
    assert.equal(body.url, undefined, 'no link for the admin');
    assert.ok(!/token=/.test(text), text);
    const token = tokenOf((await smtp.waitFor(dee.email)).text)!;
    assert.equal(await verified(gw, dee.user.id), false);
    assert.equal((await gw.call('/api/auth/password-reset/confirm', { key: null, body: { token, new_password: newPassword() } })).status, 204);
    assert.equal(await verified(gw, dee.user.id), true, 'a link that went to the address proves it');
  });
});

describe('admin-triggered password reset without mail: handed over only for a weaker account', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway();
  });
  after(() => gw.close());

  test('a member\'s link is returned to the owner; using it does not verify the address', async () => {
    const ed = await createUser(gw);
    const res = await gw.call(`/api/users/${ed.user.id}/password-reset`, { method: 'POST' });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { mailed: boolean; url: string };
    assert.equal(body.mailed, false);
    const token = tokenOf(body.url)!;
    assert.equal((await gw.call('/api/auth/password-reset/confirm', { key: null, body: { token, new_password: newPassword() } })).status, 204);
    assert.equal(await verified(gw, ed.user.id), false);
  });

  test("another owner's link, or the caller's own, is not handed over", async () => {
    const other = await createUser(gw, { orgRole: 'owner', teamRole: null });
    const res = await gw.call(`/api/users/${other.user.id}/password-reset`, { method: 'POST' });
    const err = await expectError(res, 409, 'mail_not_configured');
    assert.match(err.error.message, /tollgate users set-password/);
    await expectError(await gw.call(`/api/users/${gw.tg.home.owner.id}/password-reset`, { method: 'POST' }), 409, 'mail_not_configured');
    const issued = await gw.tg.store.db.selectFrom('one_time_tokens').select('hash').where('subject', '=', other.user.id).execute();
    assert.deepEqual(issued, [], 'no token was even issued');
  });

  test('a restricted key of an owner cannot obtain an account link', async () => {
    const { home } = gw.tg;
    const restricted = await gw.tg.keys.create({ name: 'ci', orgId: home.org.id, userId: home.owner.id, ipAllowlist: ['127.0.0.0/8'] }, { actorId: 'system', orgId: home.org.id });
    const fay = await createUser(gw);
    await expectError(await gw.call(`/api/users/${fay.user.id}/password-reset`, { method: 'POST', key: restricted.secret }), 403, 'key_broader_than_caller');
  });
});
