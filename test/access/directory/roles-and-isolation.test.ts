import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN_KEY, startGateway, type TestGateway } from '../../support/gateway.ts';
import { storeKinds, type TestStore } from '../../support/stores.ts';
import { accept, as, changeRecords, createTeam, expectError, expectJson, invite, join, type Session } from './directory-helpers.ts';

/*
 * One organization as a customer would set it up: the owner (ADMIN_KEY is their personal key)
 * creates teams A and B and invites an admin, a member and a viewer of A, an auditor and a member
 * of B. Then everyone tries what they should and should not be able to do.
 */
for (const kind of storeKinds()) {
  describe(`teams, members and roles (${kind.name})`, () => {
    let store: TestStore;
    let gw: TestGateway;
    let teamA: string;
    let teamB: string;
    let ownerId: string;
    let adminA: Session;
    let memberA: Session;
    let viewerA: Session;
    let auditor: Session;
    let memberB: Session;
    let invitationB: string;

    before(async () => {
      store = await kind.create();
      gw = await startGateway({ store });
      teamA = await createTeam(gw, ADMIN_KEY, 'A');
      teamB = await createTeam(gw, ADMIN_KEY, 'B');
      adminA = await join(gw, ADMIN_KEY, 'ada@example.com', teamA, 'admin', 'Ada Admin');
      memberA = await join(gw, ADMIN_KEY, 'max@example.com', teamA, 'member', 'Max Member');
      viewerA = await join(gw, ADMIN_KEY, 'vic@example.com', teamA, 'viewer', 'Vic Viewer');
      auditor = await join(gw, ADMIN_KEY, 'aud@example.com', teamA, 'viewer', 'Audrey Auditor');
      await expectJson(as(gw, ADMIN_KEY, `/api/users/${auditor.userId}`, { method: 'PATCH', body: { org_role: 'auditor' } }), 200);
      memberB = await join(gw, ADMIN_KEY, 'bea@example.com', teamB, 'member', 'Bea Member');
      invitationB = (await invite(gw, ADMIN_KEY, { email: 'pending-b@example.com', team_id: teamB, role: 'viewer' })).invitation.id;
      const users = await expectJson<{ data: { id: string; email: string }[] }>(as(gw, ADMIN_KEY, '/api/users'), 200);
      ownerId = users.data.find((u) => u.email === 'owner@tollgate.localhost')!.id;
    });

    after(async () => {
      await gw.close();
      await store.dispose();
    });

    test('an accepted invitation gives a working session; writes need its CSRF token', async () => {
      const teams = await expectJson<{ data: { id: string; name: string }[] }>(as(gw, memberA, '/api/teams'), 200);
      assert.deepEqual(teams.data.map((t) => t.name), ['A']);
      const me = await expectJson<{ email: string; memberships: { team_id: string; role: string }[] }>(as(gw, memberA, `/api/users/${memberA.userId}`), 200);
      assert.equal(me.email, 'max@example.com');
      assert.deepEqual(me.memberships, [{ team_id: teamA, role: 'member' }]);
      await expectJson(as(gw, memberA, '/api/keys', { body: { name: 'laptop' } }), 201);
      const noCsrf = await gw.call('/api/keys', { key: null, body: { name: 'x' }, headers: { cookie: `tg_session=${memberA.cookie}` } });
      await expectError(noCsrf, 403, 'csrf_token_invalid');
    });

    test('lists show what each role may read', async () => {
      const names = async (who: string | Session) => (await expectJson<{ data: { name: string }[] }>(as(gw, who, '/api/teams'), 200)).data.map((t) => t.name);
      assert.deepEqual(await names(ADMIN_KEY), ['A', 'B', 'Default']);
      assert.deepEqual(await names(auditor), ['A', 'B', 'Default']);
      assert.deepEqual(await names(adminA), ['A']);
      assert.deepEqual(await names(memberB), ['B']);

      const emails = async (who: Session) => (await expectJson<{ data: { email: string }[] }>(as(gw, who, '/api/users'), 200)).data.map((u) => u.email).sort();
      assert.deepEqual(await emails(viewerA), ['ada@example.com', 'aud@example.com', 'max@example.com', 'vic@example.com']);
      assert.deepEqual(await emails(memberB), ['bea@example.com']);
      assert.ok((await emails(auditor)).includes('bea@example.com'));

      const members = await expectJson<{ data: { user_id: string; role: string; user: Record<string, unknown> }[] }>(as(gw, viewerA, `/api/teams/${teamA}/members`), 200);
      assert.equal(members.data.find((m) => m.user_id === adminA.userId)?.role, 'admin');
      for (const m of members.data) assert.ok(!('password_hash' in m.user));
    });

    test('the admin of team A can neither read nor change team B', async () => {
      await expectError(as(gw, adminA, `/api/teams/${teamB}`), 403, 'permission_denied');
      await expectError(as(gw, adminA, `/api/teams/${teamB}`, { method: 'PATCH', body: { name: 'mine' } }), 403);
      await expectError(as(gw, adminA, `/api/teams/${teamB}`, { method: 'DELETE' }), 403);
      await expectError(as(gw, adminA, `/api/teams/${teamB}/members`), 403);
      await expectError(as(gw, adminA, `/api/teams/${teamB}/members/${memberA.userId}`, { method: 'PUT', body: { role: 'admin' } }), 403);
      await expectError(as(gw, adminA, `/api/teams/${teamB}/members/${memberB.userId}`, { method: 'PUT', body: { role: 'viewer' } }), 403);
      await expectError(as(gw, adminA, `/api/teams/${teamB}/members/${memberB.userId}`, { method: 'DELETE' }), 403);
      await expectError(as(gw, adminA, '/api/invitations', { body: { email: 'mole@example.com', team_id: teamB, role: 'member' } }), 403);
      await expectError(as(gw, adminA, `/api/invitations?team_id=${teamB}`), 403);
      await expectError(as(gw, adminA, `/api/invitations/${invitationB}`, { method: 'DELETE' }), 403);
      await expectError(as(gw, adminA, `/api/users/${memberB.userId}`), 403);
      const invitations = await expectJson<{ data: { team_id: string }[] }>(as(gw, adminA, '/api/invitations'), 200);
      assert.ok(invitations.data.every((i) => i.team_id === teamA));
      const b = await expectJson<{ data: { user_id: string }[] }>(as(gw, ADMIN_KEY, `/api/teams/${teamB}/members`), 200);
      assert.deepEqual(b.data.map((m) => m.user_id), [memberB.userId], 'team B is unchanged');
    });

    test('ids of another organization are answered 404, as if they did not exist', async () => {
      const created = await expectJson<{ org: { id: string }; invitation_url: string }>(
        as(gw, ADMIN_KEY, '/api/orgs', { body: { name: 'Other Corp', owner_email: 'boss@other.example' } }),
        201,
      );
      const other = await accept(gw, new URL(created.invitation_url).searchParams.get('token')!, { name: 'Other Boss' });
      const home = (await expectJson<{ data: { id: string }[] }>(as(gw, memberA, '/api/orgs'), 200)).data[0]!.id;

      await expectError(as(gw, other, `/api/teams/${teamA}`), 404, 'team_not_found');
      await expectError(as(gw, other, `/api/teams/${teamA}`, { method: 'PATCH', body: { name: 'x' } }), 404, 'team_not_found');
      await expectError(as(gw, other, `/api/teams/${teamA}`, { method: 'DELETE' }), 404, 'team_not_found');
      await expectError(as(gw, other, `/api/teams/${teamA}/members`), 404);
      await expectError(as(gw, other, `/api/teams/${teamA}/members/${other.userId}`, { method: 'PUT', body: { role: 'owner' } }), 404);
      await expectError(as(gw, other, `/api/users/${memberA.userId}`), 404, 'user_not_found');
      await expectError(as(gw, other, `/api/users/${memberA.userId}`, { method: 'PATCH', body: { status: 'disabled' } }), 404, 'user_not_found');
      await expectError(as(gw, other, `/api/users/${memberA.userId}/password-reset`, { method: 'POST', body: {} }), 404);
      await expectError(as(gw, other, `/api/invitations/${invitationB}`, { method: 'DELETE' }), 404, 'invitation_not_found');
      await expectError(as(gw, other, '/api/invitations', { body: { email: 'x@example.com', team_id: teamA, role: 'member' } }), 404, 'team_not_found', 'team_id');
      await expectError(as(gw, other, `/api/orgs/${home}`), 404, 'org_not_found');
      await expectError(as(gw, other, `/api/orgs/${home}`, { method: 'PATCH', body: { name: 'mine' } }), 404, 'org_not_found');
      const otherTeam = (await expectJson<{ data: { id: string }[] }>(as(gw, other, '/api/teams'), 200)).data[0]!.id;
      await expectError(as(gw, other, `/api/teams/${otherTeam}/members/${memberA.userId}`, { method: 'PUT', body: { role: 'member' } }), 404, 'user_not_found', 'userId');
      const orgs = await expectJson<{ data: { id: string }[] }>(as(gw, other, '/api/orgs'), 200);
      assert.deepEqual(orgs.data.map((o) => o.id), [created.org.id]);
      const all = await expectJson<{ data: { id: string }[] }>(as(gw, ADMIN_KEY, '/api/orgs'), 200);
      assert.deepEqual(all.data.map((o) => o.id), [home, created.org.id], 'the home owner sees every organization');
      await expectError(as(gw, other, '/api/orgs', { body: { name: 'Third', owner_email: 'third@example.com' } }), 403, 'permission_denied');
    });

    test('a member cannot make themselves admin', async () => {
      await expectError(as(gw, memberA, `/api/teams/${teamA}/members/${memberA.userId}`, { method: 'PUT', body: { role: 'admin' } }), 403, 'permission_denied');
      await expectError(as(gw, memberA, '/api/invitations', { body: { email: 'friend@example.com', team_id: teamA, role: 'admin' } }), 403);
    });

    test('an admin manages their team but cannot grant owner or auditor, nor touch an owner', async () => {
      const path = (u: string) => `/api/teams/${teamA}/members/${u}`;
      await expectError(as(gw, adminA, path(adminA.userId), { method: 'PUT', body: { role: 'owner' } }), 403, 'permission_denied');
      await expectError(as(gw, adminA, path(memberA.userId), { method: 'PUT', body: { role: 'owner' } }), 403);
      await expectError(as(gw, adminA, path(memberA.userId), { method: 'PUT', body: { role: 'auditor' } }), 403);
      await expectError(as(gw, adminA, '/api/invitations', { body: { email: 'boss2@example.com', team_id: teamA, role: 'owner' } }), 403);
      await expectJson(as(gw, ADMIN_KEY, path(ownerId), { method: 'PUT', body: { role: 'member' } }), 200);
      await expectError(as(gw, adminA, path(ownerId), { method: 'DELETE' }), 403, 'permission_denied');
      await expectError(as(gw, adminA, path(ownerId), { method: 'PUT', body: { role: 'viewer' } }), 403);
      await expectError(as(gw, adminA, '/api/invitations', { body: { email: 'owner@tollgate.localhost', team_id: teamA, role: 'viewer' } }), 403);
      await expectError(as(gw, adminA, `/api/users/${memberA.userId}`, { method: 'PATCH', body: { org_role: 'admin' } }), 403);
      await expectError(as(gw, adminA, `/api/users/${adminA.userId}`, { method: 'PATCH', body: { org_role: 'owner' } }), 403);
      await expectJson(as(gw, ADMIN_KEY, path(ownerId), { method: 'DELETE' }), 200);

      // What an admin may do: change roles up to admin in their own team.
      const changed = await expectJson<{ role: string }>(as(gw, adminA, path(memberA.userId), { method: 'PUT', body: { role: 'viewer' } }), 200);
      assert.equal(changed.role, 'viewer');
      await expectJson(as(gw, adminA, path(memberA.userId), { method: 'PUT', body: { role: 'member' } }), 200);
      const records = await changeRecords(gw, 'membership.role_changed', `${teamA}/${memberA.userId}`);
      const first = records.find((r) => r.actor === adminA.userId)!;
      assert.equal(first.before.role, 'member');
      assert.equal(first.after.role, 'viewer');
      assert.equal(first.org_id, (await gw.tg.store.db.selectFrom('teams').select('org_id').where('id', '=', teamA).executeTakeFirstOrThrow()).org_id);
    });

    test('an auditor reads the whole organization and changes nothing', async () => {
      await expectJson(as(gw, auditor, `/api/teams/${teamB}/members`), 200);
      await expectJson(as(gw, auditor, `/api/users/${memberB.userId}`), 200);
      const writes: [string, string, unknown?][] = [
        ['POST', '/api/teams', { name: 'C' }],
        ['PATCH', `/api/teams/${teamA}`, { name: 'A2' }],
        ['DELETE', `/api/teams/${teamB}`],
        ['PUT', `/api/teams/${teamA}/members/${auditor.userId}`, { role: 'admin' }],
        ['DELETE', `/api/teams/${teamA}/members/${viewerA.userId}`],
        ['POST', '/api/invitations', { email: 'x@example.com', team_id: teamA, role: 'viewer' }],
        ['DELETE', `/api/invitations/${invitationB}`],
        ['PATCH', `/api/users/${auditor.userId}`, { org_role: 'owner' }],
        ['POST', `/api/users/${memberA.userId}/password-reset`, {}],
        ['POST', '/api/orgs', { name: 'Mine', owner_email: 'mine@example.com' }],
      ];
      const home = (await expectJson<{ data: { id: string }[] }>(as(gw, auditor, '/api/orgs'), 200)).data[0]!.id;
      writes.push(['PATCH', `/api/orgs/${home}`, { name: 'Audited' }]);
      for (const [method, path, body] of writes) {
        await expectError(as(gw, auditor, path, { method, body }), 403, 'permission_denied');
      }
    });

    test('the last active owner can be neither demoted nor disabled', async () => {
      await expectError(as(gw, ADMIN_KEY, `/api/users/${ownerId}`, { method: 'PATCH', body: { org_role: null } }), 409, 'last_owner', 'org_role');
      await expectError(as(gw, ADMIN_KEY, `/api/users/${ownerId}`, { method: 'PATCH', body: { org_role: 'admin' } }), 409, 'last_owner');
      await expectError(as(gw, ADMIN_KEY, `/api/users/${ownerId}`, { method: 'PATCH', body: { status: 'disabled' } }), 409, 'last_owner', 'status');
      // With a second owner, one of them may step down; then the other is the last again.
      const second = await join(gw, ADMIN_KEY, 'second-owner@example.com', teamB, 'viewer', 'Second Owner');
      await expectJson(as(gw, ADMIN_KEY, `/api/users/${second.userId}`, { method: 'PATCH', body: { org_role: 'owner' } }), 200);
      const stepped = await expectJson<{ org_role: string | null }>(as(gw, second, `/api/users/${second.userId}`, { method: 'PATCH', body: { org_role: null } }), 200);
      assert.equal(stepped.org_role, null);
      await expectError(as(gw, ADMIN_KEY, `/api/users/${ownerId}`, { method: 'PATCH', body: { org_role: 'member' } }), 409, 'last_owner');
    });

    test('bad input is refused with 400 naming the field', async () => {
      await expectError(as(gw, ADMIN_KEY, `/api/teams/${teamA}/members/${memberA.userId}`, { method: 'PUT', body: { role: 'superuser' } }), 400, 'invalid_parameter', 'role');
      await expectError(as(gw, ADMIN_KEY, '/api/teams', { body: { name: '' } }), 400, 'invalid_name', 'name');
      await expectError(as(gw, ADMIN_KEY, '/api/teams', { body: { name: 'x'.repeat(201) } }), 400, 'invalid_name', 'name');
      await expectError(as(gw, ADMIN_KEY, '/api/teams', { body: { name: 'C', colour: 'red' } }), 400, 'invalid_parameter', 'colour');
      await expectError(as(gw, ADMIN_KEY, `/api/users/${memberA.userId}`, { method: 'PATCH', body: { name: 'x'.repeat(201) } }), 400, 'invalid_name', 'name');
      await expectError(as(gw, ADMIN_KEY, `/api/users/${memberA.userId}`, { method: 'PATCH', body: { name: 'Max\u202Eevil' } }), 400, 'invalid_name', 'name');
      await expectError(as(gw, ADMIN_KEY, `/api/users/${memberA.userId}`, { method: 'PATCH', body: { org_role: 'god' } }), 400, 'invalid_parameter', 'org_role');
      await expectError(as(gw, ADMIN_KEY, `/api/users/${memberA.userId}`, { method: 'PATCH', body: { status: 'gone' } }), 400, 'invalid_parameter', 'status');
      await expectError(as(gw, ADMIN_KEY, '/api/invitations', { body: { email: 'not-an-email', team_id: teamA, role: 'member' } }), 400, 'invalid_email', 'email');
      await expectError(as(gw, ADMIN_KEY, '/api/invitations', { body: { email: 'ok@example.com', team_id: teamA, role: 'boss' } }), 400, 'invalid_parameter', 'role');
      await expectError(as(gw, ADMIN_KEY, '/api/invitations', { body: { email: 'ok@example.com', team_id: teamA, role: 'member', expires_in_days: 31 } }), 400, 'invalid_parameter', 'expires_in_days');
      await expectError(as(gw, ADMIN_KEY, '/api/invitations', { body: { email: 'ok@example.com', team_id: 'team_nope', role: 'member' } }), 404, 'team_not_found', 'team_id');
      await expectError(as(gw, ADMIN_KEY, `/api/teams/${teamA}/members/usr_nope`, { method: 'PUT', body: { role: 'member' } }), 404, 'user_not_found', 'userId');
      await expectError(as(gw, ADMIN_KEY, `/api/teams/${teamA}/members/${memberB.userId}`, { method: 'DELETE' }), 404, 'membership_not_found');
    });

    test('team names are unique in an organization; renames are recorded with before and after', async () => {
      await expectError(as(gw, ADMIN_KEY, '/api/teams', { body: { name: 'A' } }), 409, 'team_exists', 'name');
      await expectError(as(gw, adminA, `/api/teams/${teamA}`, { method: 'PATCH', body: { name: 'B' } }), 409, 'team_exists', 'name');
      const renamed = await expectJson<{ name: string }>(as(gw, adminA, `/api/teams/${teamA}`, { method: 'PATCH', body: { name: '  Alpha ' } }), 200);
      assert.equal(renamed.name, 'Alpha');
      const [record] = await changeRecords(gw, 'team.renamed', teamA);
      assert.equal(record?.actor, adminA.userId);
      assert.equal(record?.before.name, 'A');
      assert.equal(record?.after.name, 'Alpha');
      assert.ok(record?.request_id?.startsWith('req_'));
      await expectJson(as(gw, adminA, `/api/teams/${teamA}`, { method: 'PATCH', body: { name: 'A' } }), 200);
    });
  });
}
