import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ChangeContext } from '../../src/access/change-record.ts';
import { PUBLIC } from '../../src/access/permissions/route-permissions.ts';
import type { RoleName } from '../../src/state/schema-access.ts';
import { startGateway, type TestGateway } from '../support/gateway.ts';

/*
 * Isolation: a member of team A guesses the ids of team B's things (and an owner of another
 * organization guesses team A's) on every route that takes an id, and on every list. Nothing of
 * B may be read or changed. The table below must name every /api route with a path parameter:
 * a new route fails the coverage test until it is added here (or listed as not team-owned).
 */

const hello = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] };

interface World {
  orgId: string;
  teamA: string;
  teamB: string;
  keys: Record<string, string>;
  users: Record<string, string>;
  keyB: string;
  budgetB: string;
  requestB: string;
  invitationB: string;
  otherOrgOwnerKey: string;
  /** memberB's conversation, a reply in it, a share link of it; team B's template and memberB's personal one. */
  conversationB: string;
  replyB: string;
  shareB: string;
  templateB: string;
  personalTemplateB: string;
}

/** One attempt on B's things: method, path, body. */
type Attempt = [string, string, unknown?];

const attemptsOnB = (w: World): Record<string, Attempt[]> => ({
  'GET /api/keys/:id': [['GET', `/api/keys/${w.keyB}`]],
  'PATCH /api/keys/:id': [['PATCH', `/api/keys/${w.keyB}`, { name: 'mine now' }]],
  'POST /api/keys/:id/rotate': [['POST', `/api/keys/${w.keyB}/rotate`, {}]],
  'DELETE /api/keys/:id': [['DELETE', `/api/keys/${w.keyB}`]],
  'GET /api/usage/:id': [['GET', `/api/usage/${w.requestB}`]],
  'GET /api/budgets/:id': [['GET', `/api/budgets/${w.budgetB}`]],
  'PATCH /api/budgets/:id': [['PATCH', `/api/budgets/${w.budgetB}`, { limit_usd: '1000.00' }]],
  'DELETE /api/budgets/:id': [['DELETE', `/api/budgets/${w.budgetB}`]],
  'GET /api/teams/:id': [['GET', `/api/teams/${w.teamB}`]],
  'PATCH /api/teams/:id': [['PATCH', `/api/teams/${w.teamB}`, { name: 'taken over' }]],
  'DELETE /api/teams/:id': [['DELETE', `/api/teams/${w.teamB}`]],
  'GET /api/teams/:id/members': [['GET', `/api/teams/${w.teamB}/members`]],
  'GET /api/teams/:id/retention': [['GET', `/api/teams/${w.teamB}/retention`]],
  'PUT /api/teams/:id/retention': [['PUT', `/api/teams/${w.teamB}/retention`, { conversations_days: 1 }]],
  'PUT /api/teams/:id/members/:userId': [
    ['PUT', `/api/teams/${w.teamB}/members/${w.users.memberA}`, { role: 'admin' }],
    ['PUT', `/api/teams/${w.teamB}/members/${w.users.memberB}`, { role: 'viewer' }],
  ],
  'DELETE /api/teams/:id/members/:userId': [['DELETE', `/api/teams/${w.teamB}/members/${w.users.memberB}`]],
  'GET /api/users/:id': [['GET', `/api/users/${w.users.memberB}`]],
  'PATCH /api/users/:id': [['PATCH', `/api/users/${w.users.memberB}`, { status: 'disabled' }]],
  'POST /api/users/:id/password-reset': [['POST', `/api/users/${w.users.memberB}/password-reset`, {}]],
  'GET /api/users/:id/data-export': [['GET', `/api/users/${w.users.memberB}/data-export`]],
  'POST /api/users/:id/erasure': [['POST', `/api/users/${w.users.memberB}/erasure`, { confirm: w.users.memberB }]],
  'DELETE /api/invitations/:id': [['DELETE', `/api/invitations/${w.invitationB}`]],
  'GET /api/orgs/:id': [],
  'PATCH /api/orgs/:id': [['PATCH', `/api/orgs/${w.orgId}`, { name: 'renamed' }]],
  'GET /api/orgs/:id/sso': [['GET', `/api/orgs/${w.orgId}/sso`]],
  'PUT /api/orgs/:id/sso': [['PUT', `/api/orgs/${w.orgId}/sso`, { issuer: 'https://idp.example.com', client_id: 'x' }]],
  'DELETE /api/orgs/:id/sso': [['DELETE', `/api/orgs/${w.orgId}/sso`]],
  'GET /api/orgs/:id/retention': [],
  'PUT /api/orgs/:id/retention': [['PUT', `/api/orgs/${w.orgId}/retention`, { audit_days: 1 }]],
  // Creating things in team B is the same guess, by body instead of path.
  'POST /api/keys': [['POST', '/api/keys', { name: 'b', kind: 'service', team_id: w.teamB }]],
  'POST /api/budgets': [['POST', '/api/budgets', { scope: 'team', scope_id: w.teamB, period: 'monthly', limit_usd: '1.00' }]],
  'POST /api/invitations': [['POST', '/api/invitations', { email: 'mole@example.com', team_id: w.teamB, role: 'member' }]],
  // The workspace: a conversation is its owner's alone; templates are personal or a team's.
  'GET /api/conversations/:id': [['GET', `/api/conversations/${w.conversationB}`]],
  'PATCH /api/conversations/:id': [['PATCH', `/api/conversations/${w.conversationB}`, { title: 'mine now' }]],
  'DELETE /api/conversations/:id': [['DELETE', `/api/conversations/${w.conversationB}`]],
  'GET /api/conversations/:id/messages': [['GET', `/api/conversations/${w.conversationB}/messages`]],
  'POST /api/conversations/:id/messages': [['POST', `/api/conversations/${w.conversationB}/messages`, { content: 'hi', parent_id: null, stream: false }]],
  'POST /api/conversations/:id/messages/:messageId/regenerate': [['POST', `/api/conversations/${w.conversationB}/messages/${w.replyB}/regenerate`, { stream: false }]],
  'GET /api/conversations/:id/export': [['GET', `/api/conversations/${w.conversationB}/export?format=json`]],
  'GET /api/conversations/:id/shares': [['GET', `/api/conversations/${w.conversationB}/shares`]],
  'POST /api/conversations/:id/shares': [['POST', `/api/conversations/${w.conversationB}/shares`, {}]],
  'DELETE /api/shares/:id': [['DELETE', `/api/shares/${w.shareB}`]],
  'GET /api/templates/:id': [['GET', `/api/templates/${w.templateB}`], ['GET', `/api/templates/${w.personalTemplateB}`]],
  'PATCH /api/templates/:id': [['PATCH', `/api/templates/${w.templateB}`, { name: 'mine now' }], ['PATCH', `/api/templates/${w.personalTemplateB}`, { name: 'mine now' }]],
  'DELETE /api/templates/:id': [['DELETE', `/api/templates/${w.templateB}`], ['DELETE', `/api/templates/${w.personalTemplateB}`]],
  'POST /api/templates/:id/render': [['POST', `/api/templates/${w.templateB}/render`, { variables: {} }], ['POST', `/api/templates/${w.personalTemplateB}/render`, { variables: {} }]],
  'GET /api/guardrails/policies/:scope/:id': [['GET', `/api/guardrails/policies/team/${w.teamB}`], ['GET', `/api/guardrails/policies/key/${w.keyB}`]],
  'PUT /api/guardrails/policies/:scope/:id': [['PUT', `/api/guardrails/policies/team/${w.teamB}`, { input: { pii: { email: 'block' } } }], ['PUT', `/api/guardrails/policies/key/${w.keyB}`, { input: { pii: { email: 'block' } } }]],
  'DELETE /api/guardrails/policies/:scope/:id': [['DELETE', `/api/guardrails/policies/team/${w.teamB}`], ['DELETE', `/api/guardrails/policies/key/${w.keyB}`]],
  'POST /api/templates': [['POST', '/api/templates', { name: 'b', category: 'business', content: 'x', scope: 'team', team_id: w.teamB }]],
});

/** Routes with a path parameter that are not a team's things (and why). */
const NOT_TEAM_OWNED: Record<string, string> = {
  'GET /api/prices/:model': 'the price catalog is the organization\'s, readable by everyone in it',
  'PUT /api/prices/:model': 'org-level; covered by the escalation tests (owners only)',
  'DELETE /api/prices/:model': 'org-level; covered by the escalation tests (owners only)',
  'PATCH /api/deployments/:id': 'installation-level: home-organization owners only (test/gateway/deployments-api.test.ts)',
  'DELETE /api/deployments/:id': 'installation-level: home-organization owners only (test/gateway/deployments-api.test.ts)',
  'DELETE /api/me/sessions/:id': 'only the caller\'s own sessions (tested in test/access/auth)',
  'GET /api/auth/sso/:orgId/start': 'public sign-in start',
  'GET /v1/models/:id': 'the gateway: a key reaches only its own team',
};

const LISTS = [
  '/api/keys', '/api/usage', '/api/budgets', '/api/alerts', '/api/teams', '/api/users', '/api/invitations', '/api/audit',
  '/api/conversations', '/api/conversations?archived=true', '/api/conversations/folders', '/api/conversations/search?q=zebrafish', '/api/templates',
];

describe('isolation between teams and organizations', () => {
  let gw: TestGateway;
  let w: World;

  before(async () => {
    gw = await startGateway();
    const { directory, keys, home } = gw.tg;
    const orgId = home.org.id;
    const ctx: ChangeContext = { actorId: 'system', orgId };
    const teamA = (await directory.createTeam(orgId, 'Team A', ctx)).id;
    const teamB = (await directory.createTeam(orgId, 'Team B', ctx)).id;
    const users: Record<string, string> = {};
    const personal: Record<string, string> = {};
    const people: [string, string, RoleName][] = [
      ['adminA', teamA, 'admin'],
      ['memberA', teamA, 'member'],
      ['viewerA', teamA, 'viewer'],
      ['memberB', teamB, 'member'],
    ];
    for (const [name, team, role] of people) {
      const user = await directory.createUser({ orgId, email: `${name.toLowerCase()}@example.com`, name }, ctx);
      await directory.setMembership(team, user.id, role, ctx);
      users[name] = user.id;
      personal[name] = (await keys.create({ name, orgId, userId: user.id, teamId: team }, ctx)).secret;
    }
    const keyB = (await keys.create({ name: 'B service', orgId, teamId: teamB, role: 'member' }, ctx)).key.id;

    const call = await gw.call('/v1/chat/completions', { key: personal.memberB!, body: hello });
    assert.equal(call.status, 200);
    const requestB = call.headers.get('x-request-id')!;

    const budget = await gw.call('/api/budgets', { body: { scope: 'team', scope_id: teamB, period: 'monthly', limit_usd: '50.00' } });
    assert.equal(budget.status, 201, await budget.clone().text());
    const budgetB = ((await budget.json()) as { id: string }).id;

    const inv = await gw.call('/api/invitations', { body: { email: 'newcomer@example.com', team_id: teamB, role: 'member' } });
    assert.equal(inv.status, 201, await inv.clone().text());
    const invitationB = ((await inv.json()) as { invitation: { id: string } }).invitation.id;

    const org2 = await directory.createOrg('Other Co', null);
    const ctx2: ChangeContext = { actorId: 'system', orgId: org2.id };
    const owner2 = await directory.createUser({ orgId: org2.id, email: 'owner2@example.com', name: 'Owner Two', orgRole: 'owner' }, ctx2);
    const otherOrgOwnerKey = (await keys.create({ name: 'o2', orgId: org2.id, userId: owner2.id }, ctx2)).secret;

    const asB = (path: string, body: unknown) => gw.call(path, { key: personal.memberB!, body });
    const conversationB = ((await (await asB('/api/conversations', { model: 'gpt-4o-mini', title: 'zebrafish plans of B', folder: 'zebrafish folder' })).json()) as { id: string }).id;
    const turnB = await asB(`/api/conversations/${conversationB}/messages`, { content: 'zebrafish words of B', parent_id: null, stream: false });
    assert.equal(turnB.status, 200, await turnB.clone().text());
    const replyB = ((await turnB.json()) as { assistant_message: { id: string } }).assistant_message.id;
    const share = await asB(`/api/conversations/${conversationB}/shares`, {});
    assert.equal(share.status, 201, await share.clone().text());
    const shareB = ((await share.json()) as { id: string }).id;
    const tpl = { category: 'business', content: 'zebrafish template {{x}}', variables: [{ name: 'x', type: 'text' }] };
    const teamTpl = await gw.call('/api/templates', { body: { ...tpl, name: 'B team template', scope: 'team', team_id: teamB } });
    assert.equal(teamTpl.status, 201, await teamTpl.clone().text());
    const templateB = ((await teamTpl.json()) as { id: string }).id;
    const personalTemplateB = ((await (await asB('/api/templates', { ...tpl, name: 'B personal template' })).json()) as { id: string }).id;

    w = { orgId, teamA, teamB, keys: personal, users, keyB, budgetB, requestB, invitationB, otherOrgOwnerKey, conversationB, replyB, shareB, templateB, personalTemplateB };
  });
  after(() => gw.close());

  test('every /api route with a path parameter is tried (or named as not team-owned)', () => {
    const tried = attemptsOnB(w);
    for (const r of gw.tg.routes) {
      const route = `${r.method} ${r.path}`;
      const rule = r.permission;
      if (!route.includes('/:') || rule === PUBLIC || !r.path.startsWith('/api/')) continue;
      assert.ok(route in tried || route in NOT_TEAM_OWNED, `${route} (${rule}) is not in the isolation table`);
    }
  });

  for (const who of ['memberA', 'adminA', 'viewerA'] as const) {
    test(`${who} can neither read nor change team B's things by guessing ids`, async () => {
      for (const [route, attempts] of Object.entries(attemptsOnB(w))) {
        for (const [method, path, body] of attempts) {
          if (route.startsWith('GET /api/orgs') || route.includes('/api/orgs/:id')) continue; // org-level: escalation tests
          const res = await gw.call(path, { method, key: w.keys[who]!, ...(body === undefined ? {} : { body }) });
          assert.ok([403, 404].includes(res.status), `${who}: ${method} ${path} → ${res.status} ${await res.clone().text()}`);
          const err = (await res.json()) as { error: { type: string } };
          assert.ok(['permission_error', 'invalid_request_error'].includes(err.error.type));
        }
      }
    });

    test(`${who}'s lists never show team B's things`, async () => {
      const secretsOfB = [w.keyB, w.budgetB, w.requestB, w.invitationB, w.users.memberB!, w.conversationB, w.replyB, w.shareB, w.templateB, w.personalTemplateB, 'zebrafish'];
      for (const list of LISTS) {
        const res = await gw.call(list, { key: w.keys[who]! });
        if (res.status === 403) continue; // not allowed to list at all is fine
        assert.equal(res.status, 200, `${who} ${list}: ${await res.clone().text()}`);
        const text = await res.text();
        for (const id of secretsOfB) assert.ok(!text.includes(id), `${who} ${list} shows ${id}`);
      }
    });
  }

  test('B\'s things are unchanged after all the attempts', async () => {
    const key = (await (await gw.call(`/api/keys/${w.keyB}`)).json()) as { name: string; revoked_at: string | null };
    assert.equal(key.name, 'B service');
    assert.equal(key.revoked_at, null);
    const budget = (await (await gw.call(`/api/budgets/${w.budgetB}`)).json()) as { limit_usd: string };
    assert.equal(budget.limit_usd, '50.00');
    const team = (await (await gw.call(`/api/teams/${w.teamB}`)).json()) as { name: string };
    assert.equal(team.name, 'Team B');
    const members = (await (await gw.call(`/api/teams/${w.teamB}/members`)).json()) as { data: { user_id: string; role: string }[] };
    assert.deepEqual(members.data.map((m) => [m.user_id, m.role]), [[w.users.memberB, 'member']]);
    const user = (await (await gw.call(`/api/users/${w.users.memberB}`)).json()) as { status: string };
    assert.equal(user.status, 'active');
    const asB = (path: string) => gw.call(path, { key: w.keys.memberB! });
    const conversation = (await (await asB(`/api/conversations/${w.conversationB}`)).json()) as { title: string; message_count: number };
    assert.deepEqual([conversation.title, conversation.message_count], ['zebrafish plans of B', 2]);
    const shares = (await (await asB(`/api/conversations/${w.conversationB}/shares`)).json()) as { data: { id: string }[] };
    assert.deepEqual(shares.data.map((s) => s.id), [w.shareB]);
    for (const id of [w.templateB, w.personalTemplateB]) {
      const t = (await (await asB(`/api/templates/${id}`)).json()) as { name: string };
      assert.ok(t.name.startsWith('B '), t.name);
    }
  });

  test('an owner of another organization gets 404 for every id of this one', async () => {
    for (const [, attempts] of Object.entries(attemptsOnB(w))) {
      for (const [method, path, body] of attempts) {
        if (method === 'POST' && !path.includes('/', 6)) continue; // creations: checked below
        const res = await gw.call(path, { method, key: w.otherOrgOwnerKey, ...(body === undefined ? {} : { body }) });
        assert.equal(res.status, 404, `${method} ${path} → ${res.status} ${await res.clone().text()}`);
      }
    }
    for (const [path, body] of [
      ['/api/keys', { name: 'x', kind: 'service', team_id: w.teamB }],
      ['/api/budgets', { scope: 'team', scope_id: w.teamB, period: 'monthly', limit_usd: '1.00' }],
      ['/api/invitations', { email: 'x@example.com', team_id: w.teamB, role: 'member' }],
      ['/api/templates', { name: 'x', category: 'business', content: 'x', scope: 'team', team_id: w.teamB }],
    ] as const) {
      const res = await gw.call(path, { key: w.otherOrgOwnerKey, body });
      assert.equal(res.status, 404, `${path} → ${res.status} ${await res.clone().text()}`);
    }
    const usage = await (await gw.call('/api/usage', { key: w.otherOrgOwnerKey })).text();
    assert.ok(!usage.includes(w.requestB));
  });
});
