import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ChangeContext } from '../../src/access/change-record.ts';
import { startGateway, type TestGateway } from '../support/gateway.ts';

const hello = { model: 'gpt-4o-mini', max_tokens: 16, messages: [{ role: 'user', content: 'hello' }] };

describe("a team member's personal key counts to a team, so team budgets cannot be side-stepped", () => {
  let gw: TestGateway;
  let teamId: string;
  let memberKey: string;
  before(async () => {
    gw = await startGateway();
    const { directory, keys, home } = gw.tg;
    const ctx: ChangeContext = { actorId: 'system', orgId: home.org.id };
    teamId = (await directory.createTeam(home.org.id, 'Research', ctx)).id;
    const user = await directory.createUser({ orgId: home.org.id, email: 'researcher@example.com', name: 'Researcher' }, ctx);
    await directory.setMembership(teamId, user.id, 'member', ctx);
    memberKey = (await keys.create({ name: 'bootstrap', orgId: home.org.id, userId: user.id, teamId }, ctx)).secret;
  });
  after(() => gw.close());

  test('a new personal key defaults to the member\'s team; a team-less one is refused', async () => {
    const res = await gw.call('/api/keys', { key: memberKey, body: { name: 'laptop' } });
    assert.equal(res.status, 201);
    const created = (await res.json()) as { key: string; team_id: string; kind: string };
    assert.equal(created.kind, 'personal');
    assert.equal(created.team_id, teamId);
    const teamless = await gw.call('/api/keys', { key: memberKey, body: { name: 'sneaky', team_id: null } });
    assert.equal(teamless.status, 400);
    assert.equal(((await teamless.json()) as { error: { param: string } }).error.param, 'team_id');

    const budget = await gw.call('/api/budgets', { body: { scope: 'team', scope_id: teamId, period: 'monthly', limit_usd: '0' } });
    assert.equal(budget.status, 201, await budget.clone().text());
    const blocked = await gw.call('/v1/chat/completions', { key: created.key, body: hello });
    assert.equal(blocked.status, 429);
    assert.equal(((await blocked.json()) as { error: { code: string } }).error.code, 'budget_exceeded');
  });
});
