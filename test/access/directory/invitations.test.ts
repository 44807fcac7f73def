import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN_KEY, startGateway, type TestGateway } from '../../support/gateway.ts';
import { startSmtpServer, type TestSmtp } from '../../support/smtp.ts';
import { accept, as, changeRecords, createTeam, expectError, expectJson, invite, join, PASSWORD } from './directory-helpers.ts';

describe('invitations', () => {
  let gw: TestGateway;
  let team: string;
  let other: string;

  before(async () => {
    gw = await startGateway();
    team = await createTeam(gw, ADMIN_KEY, 'Research');
    other = await createTeam(gw, ADMIN_KEY, 'Sales');
  });
  after(() => gw.close());

  const acceptRaw = (body: unknown) => gw.call('/api/invitations/accept', { key: null, body });

  test('the link shows what it is for, without signing in', async () => {
    const inv = await invite(gw, ADMIN_KEY, { email: 'Lea@Example.com', team_id: team, role: 'member', expires_in_days: 2 });
    assert.equal(inv.invitation.email, 'lea@example.com');
    assert.equal(inv.invitation.status, 'pending');
    assert.match(inv.url, /\/invite\?token=[A-Za-z0-9_-]{43}$/);
    assert.ok(inv.url.startsWith(gw.url), `the link points at this server: ${inv.url}`);
    const preview = await expectJson(gw.call(`/api/invitations/accept?token=${inv.token}`, { key: null }), 200);
    assert.equal(preview.org_name, 'My organization');
    assert.equal(preview.team_name, 'Research');
    assert.equal(preview.email, 'lea@example.com');
    assert.equal(preview.role, 'member');
    assert.equal(preview.account, 'new');
    const days = (Date.parse(preview.expires_at) - Date.now()) / 86_400_000;
    assert.ok(days > 1.9 && days <= 2, `expires in two days, not ${days}`);
    await expectError(gw.call('/api/invitations/accept?token=nope', { key: null }), 404, 'invitation_link_not_found', 'token');
    await expectError(gw.call('/api/invitations/accept', { key: null }), 400, 'invalid_parameter', 'token');
  });

  test('a token works once; the store keeps only its hash', async () => {
    const inv = await invite(gw, ADMIN_KEY, { email: 'once@example.com', team_id: team, role: 'viewer' });
    const session = await accept(gw, inv.token, { name: ' Olga  Once ' });
    const me = await expectJson(as(gw, session, `/api/users/${session.userId}`), 200);
    assert.equal(me.name, 'Olga Once');
    assert.equal(me.has_password, true);
    assert.deepEqual(me.memberships, [{ team_id: team, role: 'viewer' }]);
    await expectError(acceptRaw({ token: inv.token, name: 'Again', password: PASSWORD }), 400, 'invitation_invalid', 'token');
    await expectError(gw.call(`/api/invitations/accept?token=${inv.token}`, { key: null }), 404, 'invitation_link_not_found');

    const row = await gw.tg.store.db.selectFrom('invitations').selectAll().where('id', '=', inv.invitation.id).executeTakeFirstOrThrow();
    assert.notEqual(row.token_hash, inv.token);
    assert.equal(row.token_hash.length, 64);
    assert.ok(row.accepted_at !== null);
    const audit = JSON.stringify(await gw.tg.store.db.selectFrom('audit_events').selectAll().execute());
    assert.ok(!audit.includes(inv.token), 'no token in change records');
    assert.ok(!audit.includes(row.token_hash), 'no token hash in change records');
    assert.ok(!audit.includes('$argon2id$'), 'no password hash in change records');
    const list = await expectJson(as(gw, ADMIN_KEY, `/api/invitations?team_id=${team}`), 200);
    const listed = list.data.find((i: { id: string }) => i.id === inv.invitation.id);
    assert.equal(listed.status, 'accepted');
    assert.ok(!JSON.stringify(list).includes(row.token_hash));
  });

  test('two acceptances racing: exactly one wins', async () => {
    const inv = await invite(gw, ADMIN_KEY, { email: 'race@example.com', team_id: team, role: 'member' });
    const results = await Promise.all([1, 2, 3].map(() => acceptRaw({ token: inv.token, name: 'Racer', password: PASSWORD })));
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 400, 400]);
    const users = await gw.tg.store.db.selectFrom('users').select('id').where('email', '=', 'race@example.com').execute();
    assert.equal(users.length, 1);
  });

  test('an expired invitation is refused', async () => {
    const inv = await invite(gw, ADMIN_KEY, { email: 'late@example.com', team_id: team, role: 'member' });
    await gw.tg.store.db.updateTable('invitations').set({ expires_at: Date.now() - 1000 }).where('id', '=', inv.invitation.id).execute();
    await expectError(gw.call(`/api/invitations/accept?token=${inv.token}`, { key: null }), 404, 'invitation_link_not_found');
    await expectError(acceptRaw({ token: inv.token, name: 'Late', password: PASSWORD }), 400, 'invitation_invalid', 'token');
    const list = await expectJson(as(gw, ADMIN_KEY, `/api/invitations?team_id=${team}`), 200);
    assert.equal(list.data.find((i: { id: string }) => i.id === inv.invitation.id).status, 'expired');
  });

  test('a revoked invitation is refused; an accepted one cannot be revoked', async () => {
    const inv = await invite(gw, ADMIN_KEY, { email: 'revoked@example.com', team_id: team, role: 'member' });
    const revoked = await expectJson(as(gw, ADMIN_KEY, `/api/invitations/${inv.invitation.id}`, { method: 'DELETE' }), 200);
    assert.equal(revoked.status, 'revoked');
    await expectError(acceptRaw({ token: inv.token, name: 'Rev', password: PASSWORD }), 400, 'invitation_invalid', 'token');
    const [record] = await changeRecords(gw, 'invitation.revoked', inv.invitation.id);
    assert.equal(record?.before.status, 'pending');
    assert.equal(record?.after.status, 'revoked');

    const used = await invite(gw, ADMIN_KEY, { email: 'used@example.com', team_id: team, role: 'member' });
    await accept(gw, used.token);
    await expectError(as(gw, ADMIN_KEY, `/api/invitations/${used.invitation.id}`, { method: 'DELETE' }), 409, 'invitation_accepted');
    await expectError(as(gw, ADMIN_KEY, '/api/invitations/inv_nope', { method: 'DELETE' }), 404, 'invitation_not_found');
  });

  test('the list filters by state and is bounded; a bad filter names the field', async () => {
    const list = async (query: string) =>
      ((await expectJson(as(gw, ADMIN_KEY, `/api/invitations?${query}`), 200)) as { data: { status: string; email: string }[] }).data;
    const states = (rows: { status: string }[]) => [...new Set(rows.map((r) => r.status))];
    const pending = await invite(gw, ADMIN_KEY, { email: 'listed@example.com', team_id: other, role: 'member' });
    assert.deepEqual(states(await list('status=pending')), ['pending']);
    assert.ok((await list('status=pending')).some((r) => r.email === 'listed@example.com'));
    await expectJson(as(gw, ADMIN_KEY, `/api/invitations/${pending.invitation.id}`, { method: 'DELETE' }), 200);
    assert.deepEqual(states(await list('status=revoked')), ['revoked']);
    assert.ok(!(await list('status=pending')).some((r) => r.email === 'listed@example.com'));
    assert.equal((await list('limit=1')).length, 1);
    await expectError(as(gw, ADMIN_KEY, '/api/invitations?status=maybe'), 400, 'invalid_parameter', 'status');
    await expectError(as(gw, ADMIN_KEY, '/api/invitations?limit=0'), 400, 'invalid_parameter', 'limit');
  });

  test('inviting the same address again replaces the earlier link', async () => {
    const first = await invite(gw, ADMIN_KEY, { email: 'twice@example.com', team_id: team, role: 'member' });
    const second = await invite(gw, ADMIN_KEY, { email: 'twice@example.com', team_id: team, role: 'viewer' });
    await expectError(acceptRaw({ token: first.token, name: 'Twice', password: PASSWORD }), 400, 'invitation_invalid');
    const s = await accept(gw, second.token, { name: 'Twice' });
    const me = await expectJson(as(gw, s, `/api/users/${s.userId}`), 200);
    assert.deepEqual(me.memberships, [{ team_id: team, role: 'viewer' }]);
  });

  test('an existing user of the organization joins another team with their own password', async () => {
    const ana = await join(gw, ADMIN_KEY, 'ana@example.com', team, 'member', 'Ana');
    const inv = await invite(gw, ADMIN_KEY, { email: 'ana@example.com', team_id: other, role: 'viewer' });
    const preview = await expectJson(gw.call(`/api/invitations/accept?token=${inv.token}`, { key: null }), 200);
    assert.equal(preview.account, 'existing');
    await expectError(acceptRaw({ token: inv.token, password: 'not her password at all' }), 401, 'invalid_credentials');
    const again = await accept(gw, inv.token, { password: PASSWORD });
    assert.equal(again.userId, ana.userId);
    const me = await expectJson(as(gw, again, `/api/users/${ana.userId}`), 200);
    assert.deepEqual(me.memberships.map((m: { role: string }) => m.role).sort(), ['member', 'viewer']);
    assert.equal(me.name, 'Ana', 'the name given at acceptance does not rename an existing account');
  });

  test('an account without any credential gets its first password only from an owner-issued invitation', async () => {
    const team2 = await createTeam(gw, ADMIN_KEY, 'Pending');
    const admin = await join(gw, ADMIN_KEY, 'pending-admin@example.com', team2, 'admin');
    const { home } = gw.tg;
    const ctx = { actorId: 'system', orgId: home.org.id };
    const paul = await gw.tg.directory.createUser({ orgId: home.org.id, email: 'paul@example.com', name: 'Paul' }, ctx);
    // An admin could otherwise take the account over by choosing its password.
    await expectError(as(gw, admin, '/api/invitations', { body: { email: 'paul@example.com', team_id: team2, role: 'member' } }), 403, 'permission_denied');
    const inv = await invite(gw, ADMIN_KEY, { email: 'paul@example.com', team_id: team2, role: 'member' });
    const preview = await expectJson(gw.call(`/api/invitations/accept?token=${inv.token}`, { key: null }), 200);
    assert.equal(preview.account, 'first_password');
    await expectError(acceptRaw({ token: inv.token, password: 'short' }), 400, 'weak_password', 'password');
    const s = await accept(gw, inv.token, { name: 'Paul P' });
    assert.equal(s.userId, paul.id);
    const [record] = await changeRecords(gw, 'user.password_set', paul.id);
    assert.equal(record?.before.has_password, false);
    assert.equal(record?.after.has_password, true);

    // An invitation older than the account was not checked against it: it cannot set its password.
    const early = await invite(gw, admin, { email: 'quinn@example.com', team_id: team2, role: 'member' });
    await gw.tg.directory.createUser({ orgId: home.org.id, email: 'quinn@example.com', name: 'Quinn' }, ctx);
    await expectError(acceptRaw({ token: early.token, password: PASSWORD }), 400, 'invitation_invalid', 'token');
  });

  test('bad input names the field; weak passwords and addresses of other organizations are refused', async () => {
    const inv = await invite(gw, ADMIN_KEY, { email: 'newbie@example.com', team_id: team, role: 'member' });
    await expectError(acceptRaw({ token: inv.token, name: 'Newbie', password: 'short' }), 400, 'weak_password', 'password');
    await expectError(acceptRaw({ token: inv.token, password: PASSWORD }), 400, 'invalid_name', 'name');
    await expectError(acceptRaw({ token: inv.token, name: 'n'.repeat(101), password: PASSWORD }), 400, 'invalid_name', 'name');
    await expectError(acceptRaw({ token: inv.token, name: 'Newbie' }), 400, 'invalid_parameter', 'password');
    await expectError(acceptRaw({ name: 'Newbie', password: PASSWORD }), 400, 'invalid_parameter', 'token');
    await expectError(acceptRaw({ token: inv.token, name: 'Newbie', password: PASSWORD, admin: true }), 400, 'invalid_parameter', 'admin');
    await accept(gw, inv.token, { name: 'Newbie' }); // still usable after the refusals

    // The inviter is not told that an address has an account elsewhere; the invitee is, on accepting.
    const created = await expectJson(as(gw, ADMIN_KEY, '/api/orgs', { body: { name: 'Elsewhere', owner_email: 'boss@elsewhere.example' } }), 201);
    const elsewhere = await invite(gw, ADMIN_KEY, { email: 'boss@elsewhere.example', team_id: team, role: 'member' });
    await expectError(acceptRaw({ token: elsewhere.token, name: 'Boss', password: PASSWORD }), 409, 'email_in_use', 'token');
    assert.ok(created.org.id);
  });
});

describe('invitation mail', () => {
  let smtp: TestSmtp;
  let gw: TestGateway;

  before(async () => {
    smtp = await startSmtpServer();
    gw = await startGateway({ env: { TOLLGATE_SMTP_URL: smtp.url, TOLLGATE_PUBLIC_URL: 'https://tollgate.example.com/' } });
  });
  after(async () => {
    await gw.close();
    await smtp.close();
  });

  test('the link is mailed to the invitee and points at the public URL', async () => {
    const team = await createTeam(gw, ADMIN_KEY, 'Mail team');
    const inv = await expectJson(as(gw, ADMIN_KEY, '/api/invitations', { body: { email: 'mia@example.com', team_id: team, role: 'member' } }), 201);
    assert.equal(inv.mailed, true);
    assert.equal(inv.token, undefined, 'the link goes to the invitee only');
    const mail = await smtp.waitFor('mia@example.com');
    assert.equal(mail.subject, 'You are invited to My organization on Tollgate');
    const token = /invite\?token=([A-Za-z0-9_-]{43})/.exec(mail.text)?.[1];
    assert.ok(mail.text.includes(`https://tollgate.example.com/invite?token=${token}`), mail.text);
    assert.match(mail.text, /"Mail team"/);
    await accept(gw, token!, { name: 'Mia' });
  });
});
