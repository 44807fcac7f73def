import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mapGroups, type GroupRule } from './group-mapping.ts';
import { parseGroupRules } from './group-rules-schema.ts';
import { roleRank, TEAM_ROLES } from './team-role.ts';

const rules: GroupRule[] = [
  { group: 'eng', team: 'platform', role: 'member' },
  { group: 'eng-leads', team: 'platform', role: 'admin' },
  { group: 'finance', team: 'billing', role: 'auditor' },
  { group: 'everyone', team: 'billing', role: 'viewer' },
  { group: 'cto', team: 'platform', role: 'owner' },
];

describe('mapGroups', () => {
  it('grants the role of each matching rule', () => {
    assert.deepEqual(mapGroups(['eng'], rules), [{ team: 'platform', role: 'member' }]);
  });

  it('lets the highest role win per team, whatever the rule order', () => {
    assert.deepEqual(mapGroups(['eng', 'eng-leads'], rules), [{ team: 'platform', role: 'admin' }]);
    assert.deepEqual(mapGroups(['eng-leads', 'eng'], [...rules].reverse()), [{ team: 'platform', role: 'admin' }]);
    assert.deepEqual(mapGroups(['cto', 'eng'], rules), [{ team: 'platform', role: 'owner' }]);
    assert.deepEqual(mapGroups(['everyone', 'finance'], rules), [{ team: 'billing', role: 'auditor' }]);
  });

  it('maps to several teams', () => {
    assert.deepEqual(mapGroups(['finance', 'eng'], rules), [
      { team: 'platform', role: 'member' },
      { team: 'billing', role: 'auditor' },
    ]);
  });

  it('grants nothing for unknown groups, no groups or no rules', () => {
    assert.deepEqual(mapGroups(['marketing'], rules), []);
    assert.deepEqual(mapGroups([], rules), []);
    assert.deepEqual(mapGroups(['eng'], []), []);
  });

  it('matches groups exactly (case-sensitive, no prefixes)', () => {
    assert.deepEqual(mapGroups(['ENG', 'eng-leads-x', 'en'], rules), []);
  });

  it('orders roles owner > admin > member > auditor > viewer', () => {
    const ranks = TEAM_ROLES.map(roleRank);
    assert.deepEqual(ranks, [...ranks].sort((a, b) => b - a));
    assert.equal(new Set(ranks).size, TEAM_ROLES.length);
  });
});

describe('parseGroupRules', () => {
  it('accepts valid rules and trims names', () => {
    assert.deepEqual(parseGroupRules([{ group: ' eng ', team: 'platform', role: 'member' }]), [
      { group: 'eng', team: 'platform', role: 'member' },
    ]);
    assert.deepEqual(parseGroupRules([]), []);
  });

  it('names the index and field of an unknown role', () => {
    assert.throws(
      () => parseGroupRules([rules[0], { group: 'eng', team: 'x', role: 'boss' }]),
      /\[1\]\.role: role must be one of owner, admin, member, auditor, viewer/,
    );
  });

  it('refuses empty names, missing fields and unknown keys', () => {
    assert.throws(() => parseGroupRules([{ group: '', team: 't', role: 'member' }]), /\[0\]\.group: group must not be empty/);
    assert.throws(() => parseGroupRules([{ group: 'g', role: 'member' }]), /\[0\]\.team: team must be a string/);
    assert.throws(() => parseGroupRules([{ group: 'g', team: 't', role: 'member', teams: 'x' }]), /\[0\]: .*teams/);
  });

  it('refuses a non-list and duplicate group/team pairs', () => {
    assert.throws(() => parseGroupRules({ group: 'g' }), /Invalid SSO group rules: \(root\)/);
    assert.throws(
      () => parseGroupRules([{ group: 'g', team: 't', role: 'member' }, { group: 'g', team: 't', role: 'admin' }]),
      /\[1\]: duplicate rule for group 'g' and team 't' \(first at index 0\)/,
    );
  });
});
