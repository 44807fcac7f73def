import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ADMIN_KEY, startGateway, type TestGateway } from '../../support/gateway.ts';
import { accept, as, changeRecords, createTeam, expectError, expectJson, join, type Session } from './directory-helpers.ts';

describe('organizations', () => {
  let gw: TestGateway;
  let home: string;

  before(async () => {
    gw = await startGateway();
    home = (await expectJson(as(gw, ADMIN_KEY, '/api/orgs'), 200)).data[0].id;
  });
  after(() => gw.close());

  test('the home owner creates an organization; its owner sets a password through the invitation link', async () => {
    const created = await expectJson(as(gw, ADMIN_KEY, '/api/orgs', { body: { name: 'Acme', owner_email: 'Boss@Acme.example', owner_name: 'Bo Boss' } }), 201);
    assert.equal(created.org.name, 'Acme');
    assert.equal(created.owner.email, 'boss@acme.example');
    assert.equal(created.owner.org_role, 'owner');
    assert.equal(created.owner.has_password, false);
    assert.equal(created.invitation.role, 'owner');
    assert.equal(created.mailed, false);
    const token = new URL(created.invitation_url).searchParams.get('token')!;
    const preview = await expectJson(gw.call(`/api/invitations/accept?token=${token}`, { key: null }), 200);
    assert.equal(preview.org_name, 'Acme');
    assert.equal(preview.team_name, 'Default');
    assert.equal(preview.account, 'first_password');

    const boss = await accept(gw, token, { name: 'Bo Boss' });
    assert.equal(boss.userId, created.owner.id);
    const orgs = await expectJson(as(gw, boss, '/api/orgs'), 200);
    assert.deepEqual(orgs.data.map((o: { name: string }) => o.name), ['Acme']);
    const teams = await expectJson(as(gw, boss, '/api/teams'), 200);
    assert.deepEqual(teams.data.map((t: { name: string }) => t.name), ['Default']);
    const me = await expectJson(as(gw, boss, `/api/users/${boss.userId}`), 200);
    assert.equal(me.has_password, true);
    // The new owner runs their organization, not the deployment.
    await expectError(as(gw, boss, '/api/orgs', { body: { name: 'Mine', owner_email: 'x@example.com' } }), 403, 'permission_denied');
    await expectError(as(gw, boss, `/api/orgs/${home}`), 404, 'org_not_found');
    // The home owner sees it; the creation is recorded in both organizations.
    await expectJson(as(gw, ADMIN_KEY, `/api/orgs/${created.org.id}`), 200);
    const records = await changeRecords(gw, 'org.created', created.org.id);
    assert.deepEqual(records.map((r) => r.org_id).sort(), [created.org.id, home].sort());
  });

  test('the operator may re-invite the owner of an organization nobody has claimed yet, and nothing else', async () => {
    const created = await expectJson(as(gw, ADMIN_KEY, '/api/orgs', { body: { name: 'Slow Co', owner_email: 'slow@slow.example' } }), 201);
    const defaultTeam = created.invitation.team_id;
    const first = new URL(created.invitation_url).searchParams.get('token')!;
    const again = await expectJson(as(gw, ADMIN_KEY, '/api/invitations', { body: { email: 'slow@slow.example', team_id: defaultTeam, role: 'owner', expires_in_days: 30 } }), 201);
    assert.equal(again.invitation.org_id, created.org.id);
    await expectError(gw.call(`/api/invitations/accept?token=${first}`, { key: null }), 404, 'invitation_link_not_found');
    await expectError(as(gw, ADMIN_KEY, '/api/invitations', { body: { email: 'mole@example.com', team_id: defaultTeam, role: 'owner' } }), 404, 'team_not_found');
    await expectError(as(gw, ADMIN_KEY, '/api/invitations', { body: { email: 'slow@slow.example', team_id: defaultTeam, role: 'member' } }), 404, 'team_not_found');
    await expectError(as(gw, ADMIN_KEY, `/api/invitations?team_id=${defaultTeam}`), 404, 'team_not_found');
    const slow = await accept(gw, again.token, { name: 'Slow Owner' });
    assert.equal(slow.userId, created.owner.id);
    // Claimed: the operator is out.
    await expectError(as(gw, ADMIN_KEY, '/api/invitations', { body: { email: 'slow@slow.example', team_id: defaultTeam, role: 'owner' } }), 404, 'team_not_found');
    const [record] = await changeRecords(gw, 'invitation.created', again.invitation.id);
    assert.equal(record?.org_id, created.org.id);
  });

  test('creating an organization: bad input and taken addresses', async () => {
    await expectError(as(gw, ADMIN_KEY, '/api/orgs', { body: { name: 'X', owner_email: 'nope' } }), 400, 'invalid_email', 'owner_email');
    await expectError(as(gw, ADMIN_KEY, '/api/orgs', { body: { owner_email: 'a@example.com' } }), 400, 'invalid_parameter', 'name');
    await expectError(as(gw, ADMIN_KEY, '/api/orgs', { body: { name: 'n'.repeat(201), owner_email: 'a@example.com' } }), 400, 'invalid_name', 'name');
    await expectError(as(gw, ADMIN_KEY, '/api/orgs', { body: { name: 'X', owner_email: 'owner@tollgate.localhost' } }), 409, 'email_in_use', 'owner_email');
    const team = await createTeam(gw, ADMIN_KEY, 'Ops');
    const admin = await join(gw, ADMIN_KEY, 'ops-admin@example.com', team, 'admin');
    await expectError(as(gw, admin, '/api/orgs', { body: { name: 'X', owner_email: 'x@example.com' } }), 403, 'permission_denied');
  });

  test('PATCH changes the name and the 2FA requirement, with a change record', async () => {
    const team = await createTeam(gw, ADMIN_KEY, '2FA team');
    const member = await join(gw, ADMIN_KEY, 'tfa@example.com', team, 'member');
    const patched = await expectJson(as(gw, ADMIN_KEY, `/api/orgs/${home}`, { method: 'PATCH', body: { name: 'Home Corp', require_2fa: true } }), 200);
    assert.equal(patched.name, 'Home Corp');
    assert.equal(patched.require_2fa, true);
    await expectError(as(gw, member, '/api/teams'), 403, 'two_factor_required');
    await expectJson(as(gw, ADMIN_KEY, `/api/orgs/${home}`, { method: 'PATCH', body: { require_2fa: false } }), 200);
    await expectJson(as(gw, member, '/api/teams'), 200);
    const [record] = await changeRecords(gw, 'org.updated', home);
    assert.equal(record?.before.name, 'My organization');
    assert.equal(record?.after.name, 'Home Corp');
    await expectError(as(gw, ADMIN_KEY, `/api/orgs/${home}`, { method: 'PATCH', body: { require_2fa: 'yes' } }), 400, 'invalid_parameter', 'require_2fa');
    await expectError(as(gw, ADMIN_KEY, '/api/orgs/org_nope'), 404, 'org_not_found');
  });
});

describe('organization IP allowlist', () => {
  let gw: TestGateway;
  let home: string;
  let member: Session;
  let memberKey: string;

  before(async () => {
    gw = await startGateway();
    home = (await expectJson(as(gw, ADMIN_KEY, '/api/orgs'), 200)).data[0].id;
    const team = await createTeam(gw, ADMIN_KEY, 'Net');
    member = await join(gw, ADMIN_KEY, 'net@example.com', team, 'member');
    memberKey = (await expectJson(as(gw, member, '/api/keys', { body: { name: 'cli' } }), 201)).key;
  });
  after(() => gw.close());

  const patch = (ip_allowlist: unknown) => as(gw, ADMIN_KEY, `/api/orgs/${home}`, { method: 'PATCH', body: { ip_allowlist } });

  test('invalid blocks are refused, naming the entry', async () => {
    await expectError(patch(['10.0.0.0/8', '10.0.0.0/33']), 400, 'invalid_cidr', 'ip_allowlist[1]');
    await expectError(patch(['127.0.0.1', 42]), 400, 'invalid_cidr', 'ip_allowlist[1]');
    await expectError(patch('127.0.0.1'), 400, 'invalid_parameter', 'ip_allowlist');
  });

  test('a list that would shut out the caller is refused', async () => {
    const body = await expectError(patch(['10.0.0.0/8', '2001:db8::/32']), 400, 'ip_allowlist_excludes_caller', 'ip_allowlist');
    assert.match(body.error.message, /127\.0\.0\.1/);
    const org = await expectJson(as(gw, ADMIN_KEY, `/api/orgs/${home}`), 200);
    assert.equal(org.ip_allowlist, null, 'nothing was stored');
  });

  test('a list including the caller is stored normalised; null removes it', async () => {
    const set = await expectJson(patch(['127.0.0.1', '10.0.0.0/8']), 200);
    assert.deepEqual(set.ip_allowlist, ['127.0.0.1/32', '10.0.0.0/8']);
    await expectJson(as(gw, memberKey, '/api/teams'), 200);
    await expectJson(as(gw, member, '/api/teams'), 200);
    const [record] = await changeRecords(gw, 'org.updated', home);
    assert.equal(record?.before.ip_allowlist, null);
    assert.deepEqual(record?.after.ip_allowlist, ['127.0.0.1/32', '10.0.0.0/8']);
    assert.equal((await expectJson(patch(null), 200)).ip_allowlist, null);
  });

  test('keys and sessions from outside the list are refused once caches are invalidated', async () => {
    await expectJson(as(gw, memberKey, '/api/teams'), 200); // cached without a list
    await gw.tg.store.db.updateTable('orgs').set({ ip_allowlist: JSON.stringify(['10.0.0.0/8']) }).where('id', '=', home).execute();
    gw.tg.keys.invalidateAll();
    await expectError(as(gw, memberKey, '/api/teams'), 403, 'ip_not_allowed');
    await expectError(as(gw, ADMIN_KEY, '/api/teams'), 403, 'ip_not_allowed');
    await expectError(as(gw, member, '/api/teams'), 403, 'ip_not_allowed');
    await gw.tg.store.db.updateTable('orgs').set({ ip_allowlist: null }).where('id', '=', home).execute();
    gw.tg.keys.invalidateAll();
    await expectJson(as(gw, memberKey, '/api/teams'), 200);
  });

  test('a change through the API reaches cached keys at once', async () => {
    // Earlier tests' changes also reach this instance through the change feed (SQLite polls every
    // 250 ms) and empty the key cache when they arrive; let them arrive before the caches are warmed,
    // or one landing mid-test would drop the admin key this test relies on being cached.
    await sleep(600);
    await expectJson(as(gw, memberKey, '/api/teams'), 200);
    await expectJson(as(gw, ADMIN_KEY, '/api/teams'), 200);
    await gw.tg.store.db.updateTable('orgs').set({ ip_allowlist: JSON.stringify(['10.0.0.0/8']) }).where('id', '=', home).execute();
    await expectError(as(gw, member, '/api/teams'), 403, 'ip_not_allowed');
    // Any organization change through the API drops the key cache on this instance.
    await expectJson(as(gw, ADMIN_KEY, `/api/orgs/${home}`, { method: 'PATCH', body: { name: 'Renamed' } }), 200);
    await expectError(as(gw, memberKey, '/api/teams'), 403, 'ip_not_allowed');
    await gw.tg.store.db.updateTable('orgs').set({ ip_allowlist: null }).where('id', '=', home).execute();
    gw.tg.keys.invalidateAll();
  });
});
