import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TollgateError } from '../../errors/index.ts';
import { ACTION_TABLE, ACTIONS, type Action } from './actions.ts';
import type { Actor, Target } from './actor.ts';
import { authorize, isAllowed } from './authorize.ts';
import { ROLES, type Role } from './roles.ts';

/*
 * The expectations are written out here by hand, independently of matrix.ts: a change to the matrix
 * must be made twice, on purpose. Each cell lists the targets the role may act on, by letter:
 *   o  the actor's own thing in team A           t  a teammate's thing in team A
 *   x  another user's thing in team B             y  the actor's own thing in team B
 *   p  the actor's personal thing (no team)       g  an org-wide thing (no team, no owner)
 * The actor is user u1 of org1; the walk runs with the role held in team A, then as the org role.
 */
const ALL = 'otxypg';

const AS_TEAM_A_MEMBERSHIP: Record<Action, Record<Role, string>> = {
  'gateway.call':        { owner: ALL, admin: 'otp', member: 'otp', viewer: '',    auditor: '' },
  'keys.create':         { owner: ALL, admin: 'otp', member: 'op',  viewer: '',    auditor: '' },
  'keys.read':           { owner: ALL, admin: 'otp', member: 'op',  viewer: 'op',  auditor: ALL },
  'keys.update':         { owner: ALL, admin: 'otp', member: 'op',  viewer: '',    auditor: '' },
  'keys.revoke':         { owner: ALL, admin: 'otp', member: 'op',  viewer: '',    auditor: '' },
  'usage.read':          { owner: ALL, admin: 'otp', member: 'otp', viewer: 'otp', auditor: ALL },
  'budgets.read':        { owner: ALL, admin: 'otp', member: 'otp', viewer: 'otp', auditor: ALL },
  'budgets.write':       { owner: ALL, admin: 'otp', member: '',    viewer: '',    auditor: '' },
  'prices.read':         { owner: ALL, admin: ALL,   member: ALL,   viewer: ALL,   auditor: ALL },
  'prices.write':        { owner: ALL, admin: '',    member: '',    viewer: '',    auditor: '' },
  'alerts.read':         { owner: ALL, admin: 'otp', member: 'otp', viewer: 'otp', auditor: ALL },
  'teams.read':          { owner: ALL, admin: 'otp', member: 'otp', viewer: 'otp', auditor: ALL },
  'teams.write':         { owner: ALL, admin: 'otp', member: '',    viewer: '',    auditor: '' },
  'members.read':        { owner: ALL, admin: 'otp', member: 'otp', viewer: 'otp', auditor: ALL },
  'members.write':       { owner: ALL, admin: 'otp', member: '',    viewer: '',    auditor: '' },
  'users.invite':        { owner: ALL, admin: 'otp', member: '',    viewer: '',    auditor: '' },
  'org.read':            { owner: ALL, admin: ALL,   member: ALL,   viewer: ALL,   auditor: ALL },
  'orgs.create':         { owner: ALL, admin: '',    member: '',    viewer: '',    auditor: '' },
  'users.manage':        { owner: ALL, admin: '',    member: '',    viewer: '',    auditor: '' },
  'org.settings.write':  { owner: ALL, admin: '',    member: '',    viewer: '',    auditor: '' },
  'audit.read':          { owner: ALL, admin: 'otp', member: '',    viewer: '',    auditor: ALL },
  'reports.read':        { owner: ALL, admin: 'otp', member: '',    viewer: '',    auditor: ALL },
  'guardrails.read':     { owner: ALL, admin: 'otp', member: '',    viewer: '',    auditor: ALL },
  'guardrails.write':    { owner: ALL, admin: 'otp', member: '',    viewer: '',    auditor: '' },
  'conversations.read':  { owner: 'op', admin: 'op', member: 'op',  viewer: 'op',  auditor: '' },
  'conversations.write': { owner: 'op', admin: 'op', member: 'op',  viewer: '',    auditor: '' },
  'templates.read':      { owner: ALL, admin: 'otp', member: 'otp', viewer: 'otp', auditor: '' },
  'templates.write':     { owner: ALL, admin: 'otp', member: 'op',  viewer: '',    auditor: '' },
};

const AS_ORG_ROLE: Record<Action, Record<Role, string>> = {
  'gateway.call':        { owner: ALL,   admin: ALL,   member: ALL,   viewer: '',    auditor: '' },
  'keys.create':         { owner: ALL,   admin: ALL,   member: 'oyp', viewer: '',    auditor: '' },
  'keys.read':           { owner: ALL,   admin: ALL,   member: 'oyp', viewer: 'oyp', auditor: ALL },
  'keys.update':         { owner: ALL,   admin: ALL,   member: 'oyp', viewer: '',    auditor: '' },
  'keys.revoke':         { owner: ALL,   admin: ALL,   member: 'oyp', viewer: '',    auditor: '' },
  'usage.read':          { owner: ALL,   admin: ALL,   member: ALL,   viewer: ALL,   auditor: ALL },
  'budgets.read':        { owner: ALL,   admin: ALL,   member: ALL,   viewer: ALL,   auditor: ALL },
  'budgets.write':       { owner: ALL,   admin: ALL,   member: '',    viewer: '',    auditor: '' },
  'prices.read':         { owner: ALL,   admin: ALL,   member: ALL,   viewer: ALL,   auditor: ALL },
  'prices.write':        { owner: ALL,   admin: '',    member: '',    viewer: '',    auditor: '' },
  'alerts.read':         { owner: ALL,   admin: ALL,   member: ALL,   viewer: ALL,   auditor: ALL },
  'teams.read':          { owner: ALL,   admin: ALL,   member: ALL,   viewer: ALL,   auditor: ALL },
  'teams.write':         { owner: ALL,   admin: ALL,   member: '',    viewer: '',    auditor: '' },
  'members.read':        { owner: ALL,   admin: ALL,   member: ALL,   viewer: ALL,   auditor: ALL },
  'members.write':       { owner: ALL,   admin: ALL,   member: '',    viewer: '',    auditor: '' },
  'users.invite':        { owner: ALL,   admin: ALL,   member: '',    viewer: '',    auditor: '' },
  'org.read':            { owner: ALL,   admin: ALL,   member: ALL,   viewer: ALL,   auditor: ALL },
  'orgs.create':         { owner: ALL,   admin: '',    member: '',    viewer: '',    auditor: '' },
  'users.manage':        { owner: ALL,   admin: '',    member: '',    viewer: '',    auditor: '' },
  'org.settings.write':  { owner: ALL,   admin: '',    member: '',    viewer: '',    auditor: '' },
  'audit.read':          { owner: ALL,   admin: ALL,   member: '',    viewer: '',    auditor: ALL },
  'reports.read':        { owner: ALL,   admin: ALL,   member: '',    viewer: '',    auditor: ALL },
  'guardrails.read':     { owner: ALL,   admin: ALL,   member: '',    viewer: '',    auditor: ALL },
  'guardrails.write':    { owner: ALL,   admin: ALL,   member: '',    viewer: '',    auditor: '' },
  'conversations.read':  { owner: 'oyp', admin: 'oyp', member: 'oyp', viewer: 'oyp', auditor: '' },
  'conversations.write': { owner: 'oyp', admin: 'oyp', member: 'oyp', viewer: '',    auditor: '' },
  'templates.read':      { owner: ALL,   admin: ALL,   member: ALL,   viewer: ALL,   auditor: '' },
  'templates.write':     { owner: ALL,   admin: ALL,   member: 'oyp', viewer: '',    auditor: '' },
};

const ORG = 'org1';
const TARGETS: Record<string, Target> = {
  o: { orgId: ORG, teamId: 'teamA', ownerUserId: 'u1' },
  t: { orgId: ORG, teamId: 'teamA', ownerUserId: 'u2' },
  x: { orgId: ORG, teamId: 'teamB', ownerUserId: 'u3' },
  y: { orgId: ORG, teamId: 'teamB', ownerUserId: 'u1' },
  p: { orgId: ORG, teamId: null, ownerUserId: 'u1' },
  g: { orgId: ORG },
};

const inTeamA = (role: Role): Actor => ({ userId: 'u1', orgId: ORG, memberships: [{ teamId: 'teamA', role }] });
const withOrgRole = (role: Role): Actor => ({ userId: 'u1', orgId: ORG, memberships: [], orgRole: role });

function assertDenied(fn: () => void, status: number, code: string, mentions?: string) {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof TollgateError, 'a TollgateError');
    assert.equal(err.status, status);
    assert.equal(err.code, code);
    if (status === 403) assert.equal(err.type, 'permission_error');
    if (mentions !== undefined) assert.ok(err.message.includes(mentions), `message names '${mentions}': ${err.message}`);
    return true;
  });
}

function walk(table: Record<Action, Record<Role, string>>, actorOf: (role: Role) => Actor) {
  for (const role of ROLES) {
    test(`${role}: every action on every kind of target`, () => {
      const actor = actorOf(role);
      for (const action of ACTIONS) {
        const expected = table[action][role];
        for (const [letter, target] of Object.entries(TARGETS)) {
          const allowed = expected.includes(letter);
          const where = `${role} ${action} on ${letter} (${JSON.stringify(target)})`;
          assert.equal(isAllowed(actor, action, target), allowed, where);
          if (allowed) assert.doesNotThrow(() => authorize(actor, action, target), where);
          else assertDenied(() => authorize(actor, action, target), 403, 'permission_denied', action);
        }
        assertDenied(() => authorize(actor, action, { orgId: 'org2', teamId: 'teamA', ownerUserId: 'u1' }), 404, 'not_found');
      }
    });
  }
}

describe('permission matrix walk', () => {
  test('the expectation tables cover every action and every role, and nothing else', () => {
    for (const table of [AS_TEAM_A_MEMBERSHIP, AS_ORG_ROLE]) {
      assert.deepEqual(Object.keys(table).sort(), [...ACTIONS].sort());
      for (const row of Object.values(table)) assert.deepEqual(Object.keys(row).sort(), [...ROLES].sort());
    }
  });
  describe('role held in team A', () => walk(AS_TEAM_A_MEMBERSHIP, inTeamA));
  describe('role held as the org role', () => walk(AS_ORG_ROLE, withOrgRole));
});

describe('isolation', () => {
  const teamBThings: Target[] = [TARGETS.x!, { orgId: ORG, teamId: 'teamB' }];
  const guessable: Action[] = ['keys.read', 'keys.revoke', 'usage.read', 'budgets.read', 'budgets.write', 'conversations.read', 'conversations.write', 'members.write', 'alerts.read'];

  test('a team admin of A cannot read or change anything of team B', () => {
    for (const action of guessable) {
      for (const target of teamBThings) assertDenied(() => authorize(inTeamA('admin'), action, target), 403, 'permission_denied', action);
    }
  });

  test("a member of A cannot reach team B's keys, usage, conversations or budgets by guessing ids", () => {
    for (const action of guessable) {
      for (const target of teamBThings) assert.equal(isAllowed(inTeamA('member'), action, target), false, action);
    }
  });

  test('admin of A and viewer of B: admin rights stop at team A', () => {
    const actor: Actor = { userId: 'u1', orgId: ORG, memberships: [{ teamId: 'teamA', role: 'admin' }, { teamId: 'teamB', role: 'viewer' }] };
    assert.equal(isAllowed(actor, 'budgets.write', { orgId: ORG, teamId: 'teamA' }), true);
    assert.equal(isAllowed(actor, 'budgets.write', { orgId: ORG, teamId: 'teamB' }), false);
    assert.equal(isAllowed(actor, 'budgets.read', { orgId: ORG, teamId: 'teamB' }), true);
    assert.equal(isAllowed(actor, 'keys.revoke', { orgId: ORG, teamId: 'teamB', ownerUserId: 'u1' }), false, 'a viewer of B revokes nothing there, not even own keys');
  });

  test('a team admin cannot list org-wide collections (no team on the target)', () => {
    for (const action of ['keys.read', 'usage.read', 'budgets.read', 'audit.read'] as const) {
      assert.equal(isAllowed(inTeamA('admin'), action, { orgId: ORG, teamId: null }), false, action);
    }
  });

  test('another organization answers 404 not_found, even to its owner, so ids cannot be probed', () => {
    const owner = withOrgRole('owner');
    for (const action of ACTIONS) {
      assertDenied(() => authorize(owner, action, { orgId: 'org2' }), 404, 'not_found');
      assert.equal(isAllowed(owner, action, { orgId: 'org2' }), false);
    }
  });

  test('an actor with no role is denied everything', () => {
    const nobody: Actor = { userId: 'u1', orgId: ORG, memberships: [] };
    for (const action of ACTIONS) {
      for (const target of Object.values(TARGETS)) assert.equal(isAllowed(nobody, action, target), false, action);
    }
  });

  test('an unknown action is denied (fail closed)', () => {
    assertDenied(() => authorize(withOrgRole('owner'), 'keys.destroy' as Action, { orgId: ORG }), 403, 'permission_denied', 'keys.destroy');
  });
});

describe('auditor is read-only across everything', () => {
  const mutating = ACTIONS.filter((a) => ACTION_TABLE[a].mutates);
  const auditors = [inTeamA('auditor'), withOrgRole('auditor')];

  test('no change is allowed, on any target, however the role is held', () => {
    assert.ok(mutating.length > 0);
    for (const actor of auditors) {
      for (const action of mutating) {
        for (const target of Object.values(TARGETS)) assertDenied(() => authorize(actor, action, target), 403, 'permission_denied', action);
      }
    }
  });

  test('the audit log, usage and reports are readable across the whole organization', () => {
    for (const actor of auditors) {
      for (const action of ['audit.read', 'usage.read', 'reports.read'] as const) {
        for (const target of Object.values(TARGETS)) assert.doesNotThrow(() => authorize(actor, action, target), action);
      }
    }
  });

  test('conversations stay private to their owner', () => {
    for (const actor of auditors) assert.equal(isAllowed(actor, 'conversations.read', TARGETS.t!), false);
  });
});

describe('viewers', () => {
  test('a viewer cannot create keys, not even personal ones', () => {
    for (const target of Object.values(TARGETS)) {
      assertDenied(() => authorize(inTeamA('viewer'), 'keys.create', target), 403, 'permission_denied', 'keys.create');
    }
  });
});
