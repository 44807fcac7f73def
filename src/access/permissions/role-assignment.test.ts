import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TollgateError } from '../../errors/index.ts';
import type { Actor } from './actor.ts';
import { assertCanAssignRole, canAssignRole } from './role-assignment.ts';
import { ROLES, type Role } from './roles.ts';

const ORG = 'org1';
const teamA = { orgId: ORG, teamId: 'teamA' };
const teamB = { orgId: ORG, teamId: 'teamB' };
const inTeamA = (role: Role): Actor => ({ userId: 'u1', orgId: ORG, memberships: [{ teamId: 'teamA', role }] });
const orgOwner: Actor = { userId: 'boss', orgId: ORG, memberships: [], orgRole: 'owner' };

describe('role escalation', () => {
  test('a member cannot make themselves admin', () => {
    assert.equal(canAssignRole(inTeamA('member'), teamA, 'member', 'admin'), false);
  });

  test('an admin cannot make themselves (or anyone) owner', () => {
    assert.equal(canAssignRole(inTeamA('admin'), teamA, 'admin', 'owner'), false);
    assert.equal(canAssignRole(inTeamA('admin'), teamA, 'member', 'owner'), false);
    assert.equal(canAssignRole(inTeamA('admin'), teamA, null, 'owner'), false);
  });

  test('an admin cannot demote or remove an owner', () => {
    assert.equal(canAssignRole(inTeamA('admin'), teamA, 'owner', 'member'), false);
    assert.equal(canAssignRole(inTeamA('admin'), teamA, 'owner', null), false);
  });

  test('an admin cannot grant auditor (it reaches the whole organization)', () => {
    assert.equal(canAssignRole(inTeamA('admin'), teamA, 'member', 'auditor'), false);
  });

  test('an admin manages admins, members and viewers of their own team', () => {
    for (const from of [null, 'admin', 'member', 'viewer'] as const) {
      for (const to of [null, 'admin', 'member', 'viewer'] as const) {
        assert.equal(canAssignRole(inTeamA('admin'), teamA, from, to), true, `${from} → ${to}`);
      }
    }
  });

  test('an admin of team A changes no roles in team B', () => {
    assert.equal(canAssignRole(inTeamA('admin'), teamB, 'viewer', 'member'), false);
    assert.equal(canAssignRole(inTeamA('admin'), teamB, null, 'viewer'), false);
    const adminOfAViewerOfB: Actor = { userId: 'u1', orgId: ORG, memberships: [{ teamId: 'teamA', role: 'admin' }, { teamId: 'teamB', role: 'viewer' }] };
    assert.equal(canAssignRole(adminOfAViewerOfB, teamB, 'viewer', 'admin'), false);
  });

  test('members, viewers and auditors change no roles at all, not even downwards', () => {
    for (const role of ['member', 'viewer', 'auditor'] as const) {
      for (const from of [null, ...ROLES]) {
        for (const to of [null, ...ROLES]) assert.equal(canAssignRole(inTeamA(role), teamA, from, to), false, `${role}: ${from} → ${to}`);
      }
    }
  });

  test('only owners grant owner; an org owner manages every team', () => {
    assert.equal(canAssignRole(orgOwner, teamA, 'admin', 'owner'), true);
    assert.equal(canAssignRole(orgOwner, teamB, null, 'auditor'), true);
    assert.equal(canAssignRole(orgOwner, teamB, 'owner', 'viewer'), true);
  });

  test('nobody assigns roles in another organization; the check answers 404', () => {
    const foreign = { orgId: 'org2', teamId: 'teamA' };
    assert.equal(canAssignRole(orgOwner, foreign, 'member', 'admin'), false);
    assert.throws(() => assertCanAssignRole(orgOwner, foreign, 'member', 'admin'), (e: unknown) => e instanceof TollgateError && e.status === 404 && e.code === 'not_found');
  });

  test('a refused change is a 403 permission_denied naming both roles', () => {
    assert.throws(
      () => assertCanAssignRole(inTeamA('admin'), teamA, 'admin', 'owner'),
      (e: unknown) => e instanceof TollgateError && e.status === 403 && e.type === 'permission_error' && e.code === 'permission_denied' && /'admin'.*'owner'/.test(e.message),
    );
    assert.doesNotThrow(() => assertCanAssignRole(inTeamA('admin'), teamA, 'viewer', 'member'));
  });
});
