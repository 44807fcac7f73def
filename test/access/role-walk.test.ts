import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ChangeContext } from '../../src/access/change-record.ts';
import { isAction } from '../../src/access/permissions/actions.ts';
import type { RoleName } from '../../src/state/schema-access.ts';
import { startGateway, type TestGateway } from '../support/gateway.ts';

/*
 * Every role × every action that has a route, over HTTP: each role's personal key tries one
 * representative request per action on team A's things (the admin, member and viewer hold their
 * role in team A; the owner and the auditor hold theirs org-wide). Expectations are written out by
 * hand (not derived from matrix.ts), so a change of the matrix must be made twice, on purpose.
 */

type Who = 'owner' | 'admin' | 'member' | 'viewer' | 'auditor';
const WHO: Who[] = ['owner', 'admin', 'member', 'viewer', 'auditor'];

interface Fixture {
  orgId: string;
  teamA: string;
  serviceKeyA: string;
  budgetA: string;
  spareUser: string;
}

type Attempt = { method: string; path: string; body?: unknown; fresh?: (f: Fixture, gw: TestGateway) => Promise<string> };

/** action → [request, roles allowed]. `{id}` in a path is replaced by what `fresh` makes for each try. */
const WALK = (f: Fixture): Record<string, [Attempt, Who[]]> => ({
  'gateway.call': [{ method: 'POST', path: '/v1/chat/completions', body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] } }, ['owner', 'admin', 'member']],
  'keys.create': [{ method: 'POST', path: '/api/keys', body: { name: 'mine' } }, ['owner', 'admin', 'member']],
  'keys.read': [{ method: 'GET', path: `/api/keys/${f.serviceKeyA}` }, ['owner', 'admin', 'auditor']],
  'keys.update': [{ method: 'PATCH', path: `/api/keys/${f.serviceKeyA}`, body: { name: 'renamed' } }, ['owner', 'admin']],
  'keys.revoke': [{ method: 'DELETE', path: '/api/keys/{id}', fresh: freshServiceKey }, ['owner', 'admin']],
  'usage.read': [{ method: 'GET', path: '/api/usage' }, WHO],
  'budgets.read': [{ method: 'GET', path: `/api/budgets/${f.budgetA}` }, WHO],
  'budgets.write': [{ method: 'POST', path: '/api/budgets', body: { scope: 'team', scope_id: f.teamA, period: 'daily', limit_usd: '5.00' } }, ['owner', 'admin']],
  'prices.read': [{ method: 'GET', path: '/api/prices' }, WHO],
  'prices.write': [{ method: 'PUT', path: '/api/prices/walk-model', body: { input: '1.00', output: '2.00' } }, ['owner']],
  'alerts.read': [{ method: 'GET', path: '/api/alerts' }, WHO],
  'teams.read': [{ method: 'GET', path: `/api/teams/${f.teamA}` }, WHO],
  'teams.write': [{ method: 'PATCH', path: `/api/teams/${f.teamA}`, body: { name: 'Team A' } }, ['owner', 'admin']],
  'members.read': [{ method: 'GET', path: `/api/teams/${f.teamA}/members` }, WHO],
  'members.write': [{ method: 'PUT', path: `/api/teams/${f.teamA}/members/${f.spareUser}`, body: { role: 'member' } }, ['owner', 'admin']],
  'users.invite': [{ method: 'POST', path: '/api/invitations', body: { email: 'walk@example.com', team_id: f.teamA, role: 'member' } }, ['owner', 'admin']],
  'org.read': [{ method: 'GET', path: `/api/orgs/${f.orgId}` }, WHO],
  'orgs.create': [{ method: 'POST', path: '/api/orgs', body: { name: 'Spin-off', owner_email: 'spinoff@example.com' } }, ['owner']],
  'users.manage': [{ method: 'PATCH', path: `/api/users/${f.spareUser}`, body: { name: 'Spare User' } }, ['owner']],
  'org.settings.write': [{ method: 'PATCH', path: `/api/orgs/${f.orgId}`, body: { require_2fa: false } }, ['owner']],
  'audit.read': [{ method: 'GET', path: '/api/audit' }, ['owner', 'admin', 'auditor']],
  'reports.read': [{ method: 'GET', path: '/api/reports/compliance' }, ['owner', 'auditor']],
  'guardrails.read': [{ method: 'GET', path: `/api/guardrails/policies/team/${f.teamA}` }, ['owner', 'admin', 'auditor']],
  'guardrails.write': [{ method: 'PUT', path: `/api/guardrails/policies/team/${f.teamA}`, body: { input: { pii: { email: 'redact' } } } }, ['owner', 'admin']],
  'conversations.read': [{ method: 'GET', path: '/api/conversations' }, ['owner', 'admin', 'member', 'viewer']],
  'conversations.write': [{ method: 'POST', path: '/api/conversations', body: { model: 'gpt-4o-mini' } }, ['owner', 'admin', 'member']],
  'templates.read': [{ method: 'GET', path: '/api/templates' }, ['owner', 'admin', 'member', 'viewer']],
  'templates.write': [{ method: 'POST', path: '/api/templates', body: { name: 'walk', category: 'technical', content: 'x', scope: 'team', team_id: f.teamA } }, ['owner', 'admin']],
});

async function freshServiceKey(f: Fixture, gw: TestGateway): Promise<string> {
  const res = await gw.call('/api/keys', { body: { name: 'to revoke', kind: 'service', team_id: f.teamA } });
  return ((await res.json()) as { id: string }).id;
}

describe('role × action over HTTP', () => {
  let gw: TestGateway;
  let f: Fixture;
  const keyOf: Partial<Record<Who, string>> = {};

  before(async () => {
    gw = await startGateway();
    const { directory, keys, home } = gw.tg;
    const orgId = home.org.id;
    const ctx: ChangeContext = { actorId: 'system', orgId };
    const teamA = (await directory.createTeam(orgId, 'Team A', ctx)).id;
    const roles: [Who, RoleName, 'team' | 'org'][] = [
      ['owner', 'owner', 'org'],
      ['admin', 'admin', 'team'],
      ['member', 'member', 'team'],
      ['viewer', 'viewer', 'team'],
      ['auditor', 'auditor', 'org'],
    ];
    for (const [who, role, where] of roles) {
      const user = await directory.createUser({ orgId, email: `walk-${who}@example.com`, name: who, orgRole: where === 'org' ? role : null }, ctx);
      if (where === 'team') await directory.setMembership(teamA, user.id, role, ctx);
      keyOf[who] = (await keys.create({ name: who, orgId, userId: user.id, teamId: where === 'team' ? teamA : null }, ctx)).secret;
    }
    const spare = await directory.createUser({ orgId, email: 'walk-spare@example.com', name: 'Spare' }, ctx);
    await directory.setMembership(teamA, spare.id, 'viewer', ctx);
    const serviceKeyA = (await keys.create({ name: 'A service', orgId, teamId: teamA, role: 'member' }, ctx)).key.id;
    const budget = await gw.call('/api/budgets', { body: { scope: 'team', scope_id: teamA, period: 'monthly', limit_usd: '100.00' } });
    assert.equal(budget.status, 201, await budget.clone().text());
    f = { orgId, teamA, serviceKeyA, budgetA: ((await budget.json()) as { id: string }).id, spareUser: spare.id };
  });
  after(() => gw.close());

  test('the walk covers every action some route performs', () => {
    const walked = new Set(Object.keys(WALK(f)));
    const routed = new Set(gw.tg.routes.map((r) => r.permission).filter((r) => isAction(r)));
    for (const action of routed) assert.ok(walked.has(action), `no walk entry for ${action}`);
  });

  for (const who of WHO) {
    test(`${who}: allowed exactly where the matrix says`, async () => {
      const wrong: string[] = [];
      for (const [action, [attempt, allowed]] of Object.entries(WALK(f))) {
        const path = attempt.fresh ? attempt.path.replace('{id}', await attempt.fresh(f, gw)) : attempt.path;
        const res = await gw.call(path, { method: attempt.method, key: keyOf[who]!, ...(attempt.body === undefined ? {} : { body: attempt.body }) });
        const text = await res.text();
        const expectAllowed = allowed.includes(who);
        const denied = res.status === 403 || res.status === 401;
        if (expectAllowed === denied || res.status >= 500) wrong.push(`${action}: ${attempt.method} ${path} → ${res.status} ${text.slice(0, 160)}`);
        if (!expectAllowed && res.status === 403) {
          const err = JSON.parse(text) as { error: { type: string; code: string } };
          assert.equal(err.error.type, 'permission_error');
        }
      }
      assert.deepEqual(wrong, [], `${who} got unexpected answers`);
    });
  }
});
