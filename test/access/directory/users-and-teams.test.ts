import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN_KEY, startGateway, type TestGateway } from '../../support/gateway.ts';
import { as, changeRecords, createTeam, expectError, expectJson, invite, join, type Session } from './directory-helpers.ts';

describe('users', () => {
  let gw: TestGateway;
  let team: string;
  let admin: Session;

  before(async () => {
    gw = await startGateway();
    team = await createTeam(gw, ADMIN_KEY, 'Users');
    admin = await join(gw, ADMIN_KEY, 'users-admin@example.com', team, 'admin');
  });
  after(() => gw.close());

  test('disabling a user ends their sessions and stops their keys at once', async () => {
    const dan = await join(gw, ADMIN_KEY, 'dan@example.com', team, 'member', 'Dan');
    const other = await join(gw, ADMIN_KEY, 'dan2@example.com', team, 'member', 'Dan Two');
    const key = (await expectJson(as(gw, dan, '/api/keys', { body: { name: 'dan cli' } }), 201)).key as string;
    await expectJson(as(gw, key, '/api/teams'), 200); // cached now
    const disabled = await expectJson(as(gw, ADMIN_KEY, `/api/users/${dan.userId}`, { method: 'PATCH', body: { status: 'disabled' } }), 200);
    assert.equal(disabled.status, 'disabled');
    await expectError(as(gw, dan, '/api/teams'), 401, 'session_invalid');
    await expectError(as(gw, key, '/api/teams'), 401, 'user_disabled');
    await expectJson(as(gw, other, '/api/teams'), 200, "other users' sessions go on");
    const live = await gw.tg.store.db.selectFrom('sessions').select('id').where('user_id', '=', dan.userId).where('ended_at', 'is', null).execute();
    assert.equal(live.length, 0, 'the sessions were ended, not merely refused');

    await expectJson(as(gw, ADMIN_KEY, `/api/users/${dan.userId}`, { method: 'PATCH', body: { status: 'active' } }), 200);
    await expectJson(as(gw, key, '/api/teams'), 200, 'keys work again once enabled');
    await expectError(as(gw, dan, '/api/teams'), 401, 'session_invalid');
    const records = await changeRecords(gw, 'user.updated', dan.userId);
    assert.deepEqual(records.map((r) => [r.before.status, r.after.status]), [['active', 'disabled'], ['disabled', 'active']]);
    assert.ok(!JSON.stringify(records).includes('argon2'));
  });

  test('an org role reaches the whole organization and is granted by owners only', async () => {
    const other = await createTeam(gw, ADMIN_KEY, 'Elsewhere');
    const ivy = await join(gw, ADMIN_KEY, 'ivy@example.com', team, 'viewer', 'Ivy');
    await expectError(as(gw, ivy, `/api/teams/${other}`), 403);
    const promoted = await expectJson(as(gw, ADMIN_KEY, `/api/users/${ivy.userId}`, { method: 'PATCH', body: { org_role: 'auditor', name: 'Ivy Inspector' } }), 200);
    assert.equal(promoted.org_role, 'auditor');
    assert.equal(promoted.name, 'Ivy Inspector');
    await expectJson(as(gw, ivy, `/api/teams/${other}`), 200);
    await expectError(as(gw, admin, `/api/users/${ivy.userId}`, { method: 'PATCH', body: { org_role: null } }), 403);
    const [record] = await changeRecords(gw, 'user.updated', ivy.userId);
    assert.equal(record?.before.org_role, null);
    assert.equal(record?.after.org_role, 'auditor');
  });

  test('who sees whom', async () => {
    const lone = await createTeam(gw, ADMIN_KEY, 'Lonely');
    const solo = await join(gw, ADMIN_KEY, 'solo@example.com', lone, 'member', 'Solo');
    await expectJson(as(gw, solo, `/api/users/${solo.userId}`), 200);
    await expectError(as(gw, solo, `/api/users/${admin.userId}`), 403, 'permission_denied');
    const seen = await expectJson(as(gw, solo, '/api/users'), 200);
    assert.deepEqual(seen.data.map((u: { email: string }) => u.email), ['solo@example.com']);
    const full = await expectJson(as(gw, admin, `/api/users/${solo.userId}`), 403);
    assert.equal(full.error.code, 'permission_denied');
    for (const u of (await expectJson(as(gw, ADMIN_KEY, '/api/users'), 200)).data) {
      for (const secret of ['password_hash', 'totp_secret', 'recovery_codes']) assert.ok(!(secret in u));
    }
  });

  test('owners issue password-reset links; nobody else does', async () => {
    const rita = await join(gw, ADMIN_KEY, 'rita@example.com', team, 'member', 'Rita');
    const reset = await expectJson(as(gw, ADMIN_KEY, `/api/users/${rita.userId}/password-reset`, { method: 'POST', body: {} }), 200);
    assert.match(reset.url, /\/reset-password\?token=/);
    assert.equal(reset.mailed, false);
    await expectError(as(gw, admin, `/api/users/${rita.userId}/password-reset`, { method: 'POST', body: {} }), 403);
    await expectError(as(gw, ADMIN_KEY, '/api/users/usr_nope/password-reset', { method: 'POST', body: {} }), 404, 'user_not_found');
  });
});

describe('deleting a team', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway();
  });
  after(() => gw.close());

  test('is refused while it has members or live keys; then its pending invitations are revoked with it', async () => {
    const team = await createTeam(gw, ADMIN_KEY, 'Doomed');
    const admin = await join(gw, ADMIN_KEY, 'doomed-admin@example.com', team, 'admin');
    const service = await expectJson(as(gw, ADMIN_KEY, '/api/keys', { body: { name: 'bot', kind: 'service', team_id: team } }), 201);
    const pending = await invite(gw, ADMIN_KEY, { email: 'never@example.com', team_id: team, role: 'member' });
    const budget = await expectJson(as(gw, ADMIN_KEY, '/api/budgets', { body: { scope: 'team', scope_id: team, period: 'monthly', limit_usd: '5.00' } }), 201);

    const refused = await expectError(as(gw, ADMIN_KEY, `/api/teams/${team}`, { method: 'DELETE' }), 409, 'team_not_empty', 'id');
    assert.match(refused.error.message, /1 member\(s\), 1 live key\(s\) and 1 budget\(s\)/);
    await expectJson(as(gw, ADMIN_KEY, `/api/budgets/${budget.id}`, { method: 'DELETE' }), 200);
    await expectJson(as(gw, ADMIN_KEY, `/api/teams/${team}/members/${admin.userId}`, { method: 'DELETE' }), 200);
    await expectError(as(gw, ADMIN_KEY, `/api/teams/${team}`, { method: 'DELETE' }), 409, 'team_not_empty');
    await expectJson(as(gw, ADMIN_KEY, `/api/keys/${service.id}`, { method: 'DELETE' }), 200);

    const deleted = await expectJson(as(gw, ADMIN_KEY, `/api/teams/${team}`, { method: 'DELETE' }), 200);
    assert.deepEqual(deleted, { id: team, object: 'team', deleted: true });
    await expectError(as(gw, ADMIN_KEY, `/api/teams/${team}`), 404, 'team_not_found');
    await expectError(gw.call(`/api/invitations/accept?token=${pending.token}`, { key: null }), 404, 'invitation_link_not_found');
    const [record] = await changeRecords(gw, 'team.deleted', team);
    assert.equal(record?.before.name, 'Doomed');
    assert.equal(record?.after, null);
    // The name is free again.
    await createTeam(gw, ADMIN_KEY, 'Doomed');
  });

  test('an admin cannot delete another team, and a member none at all', async () => {
    const mine = await createTeam(gw, ADMIN_KEY, 'Mine');
    const theirs = await createTeam(gw, ADMIN_KEY, 'Theirs');
    const admin = await join(gw, ADMIN_KEY, 'mine-admin@example.com', mine, 'admin');
    const member = await join(gw, ADMIN_KEY, 'mine-member@example.com', mine, 'member');
    await expectError(as(gw, admin, `/api/teams/${theirs}`, { method: 'DELETE' }), 403);
    await expectError(as(gw, member, `/api/teams/${mine}`, { method: 'DELETE' }), 403);
    await expectError(as(gw, admin, '/api/teams', { body: { name: 'New' } }), 403, 'permission_denied');
  });
});
