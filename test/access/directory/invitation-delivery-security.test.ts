import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Totp } from '../../../src/access/credentials/totp.ts';
import { ADMIN_KEY, startGateway, type TestGateway } from '../../support/gateway.ts';
import { startSmtpServer, type TestSmtp } from '../../support/smtp.ts';
import { accept, as, createTeam, expectError, expectJson, invite, PASSWORD } from './directory-helpers.ts';

/*
 * Issue 8, point 11: invitations proved nothing about an address (the inviter got the token and
 * could accept it, claiming any address), and `email_in_use` told any admin that an address had an
 * account in another organization. Found on the way: accepting an invitation with an existing
 * account's password skipped its second factor, and wrong passwords there were not throttled.
 */
const tokenOf = (text: string) => /token=([A-Za-z0-9_-]{43})/.exec(text)?.[1];
const userOf = (gw: TestGateway, email: string) => gw.tg.store.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirstOrThrow();

describe('invitations with mail: the link goes only to the address, and accepting it proves it', () => {
  let smtp: TestSmtp;
  let gw: TestGateway;
  let team: string;
  before(async () => {
    smtp = await startSmtpServer();
    gw = await startGateway({ env: { TOLLGATE_SMTP_URL: smtp.url } });
    team = await createTeam(gw, ADMIN_KEY, 'Mailed');
  });
  after(async () => {
    await gw.close();
    await smtp.close();
  });

  test('the inviter gets no token or link; the invitee accepts from the mail and is verified', async () => {
    const res = await as(gw, ADMIN_KEY, '/api/invitations', { body: { email: 'vera@example.com', team_id: team, role: 'member' } });
    const text = await res.text();
    assert.equal(res.status, 201, text);
    const body = JSON.parse(text) as { mailed: boolean; token?: unknown; url?: unknown };
    assert.equal(body.mailed, true);
    assert.equal(body.token, undefined);
    assert.equal(body.url, undefined);
    assert.ok(!/token=/.test(text));
    const token = tokenOf((await smtp.waitFor('vera@example.com')).text)!;
    const session = await accept(gw, token, { name: 'Vera' });
    const shown = await expectJson(as(gw, session, `/api/users/${session.userId}`), 200);
    assert.equal(shown.email_verified, true);
  });

  test('the operator creating an organization gets no owner link either', async () => {
    const created = await expectJson(as(gw, ADMIN_KEY, '/api/orgs', { body: { name: 'Mailed Org', owner_email: 'boss@mailed.example' } }), 201);
    assert.equal(created.mailed, true);
    assert.equal(created.invitation_url ?? undefined, undefined);
    assert.ok(tokenOf((await smtp.waitFor('boss@mailed.example')).text));
  });
});

describe('invitations without mail: the inviter holds the link, so the address stays unverified', () => {
  let gw: TestGateway;
  let team: string;
  before(async () => {
    gw = await startGateway();
    team = await createTeam(gw, ADMIN_KEY, 'Linked');
  });
  after(() => gw.close());

  test('accepting a handed-over link makes an unverified account, shown as such', async () => {
    const inv = await invite(gw, ADMIN_KEY, { email: 'walt@example.com', team_id: team, role: 'member' });
    assert.ok(inv.token && inv.url, 'the inviter passes the link on');
    const session = await accept(gw, inv.token, { name: 'Walt' });
    const shown = await expectJson(as(gw, ADMIN_KEY, `/api/users/${session.userId}`), 200);
    assert.equal(shown.email_verified, false);
    const listed = await expectJson(as(gw, ADMIN_KEY, '/api/users'), 200);
    assert.equal(listed.data.find((u: { id: string }) => u.id === session.userId).email_verified, false);
    const me = await expectJson(as(gw, session, '/api/me'), 200);
    assert.equal(me.user.email_verified, false);
  });

  test("an address with an account in another organization is invited like any other (no email_in_use)", async () => {
    await expectJson(as(gw, ADMIN_KEY, '/api/orgs', { body: { name: 'Elsewhere', owner_email: 'boss@elsewhere.example' } }), 201);
    const elsewhere = await as(gw, ADMIN_KEY, '/api/invitations', { body: { email: 'boss@elsewhere.example', team_id: team, role: 'member' } });
    const fresh = await as(gw, ADMIN_KEY, '/api/invitations', { body: { email: 'nobody-yet@example.com', team_id: team, role: 'member' } });
    assert.equal(elsewhere.status, 201, await elsewhere.clone().text());
    assert.equal(fresh.status, 201);
    const keys = (b: Record<string, unknown>) => Object.keys(b).sort().join(',') + Object.keys(b.invitation as object).sort().join(',');
    assert.equal(keys((await elsewhere.json()) as Record<string, unknown>), keys((await fresh.json()) as Record<string, unknown>), 'the two answers have the same shape');
  });

  test('an existing account with 2FA must give its code to accept; wrong passwords there are throttled', async () => {
    const totp = new Totp({ issuer: 'test' });
    const first = await invite(gw, ADMIN_KEY, { email: 'tess@example.com', team_id: team, role: 'member' });
    const tess = await accept(gw, first.token, { name: 'Tess' });
    const { secret } = totp.enrol('tess@example.com');
    await gw.tg.store.db.updateTable('users').set({ totp_secret: secret, totp_enabled_at: Date.now() }).where('id', '=', tess.userId).execute();
    const other = await createTeam(gw, ADMIN_KEY, 'Second');
    const inv = await invite(gw, ADMIN_KEY, { email: 'tess@example.com', team_id: other, role: 'admin' });
    const acceptRaw = (body: Record<string, unknown>) => gw.call('/api/invitations/accept', { key: null, body: { token: inv.token, ...body } });
    await expectError(acceptRaw({ password: PASSWORD }), 401, 'totp_required', 'totp_code');
    await expectError(acceptRaw({ password: PASSWORD, totp_code: '000000' }), 401, 'invalid_totp_code', 'totp_code');
    const res = await acceptRaw({ password: PASSWORD, totp_code: totp.generate(secret) });
    assert.equal(res.status, 200, await res.clone().text());

    const uma = await invite(gw, ADMIN_KEY, { email: 'uma@example.com', team_id: team, role: 'member' });
    await accept(gw, uma.token, { name: 'Uma' });
    const again = await invite(gw, ADMIN_KEY, { email: 'uma@example.com', team_id: other, role: 'member' });
    let last: Response | undefined;
    for (let i = 0; i < 6; i++) last = await gw.call('/api/invitations/accept', { key: null, body: { token: again.token, password: `wrong guess number ${i}` } });
    assert.equal(last!.status, 429, await last!.clone().text());
    assert.equal((await userOf(gw, 'uma@example.com')).email_verified_at, null);
  });
});
