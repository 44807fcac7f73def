import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startGateway, type TestGateway } from '../support/gateway.ts';

/*
 * Issue 8, point 13: team names accepted NUL, bidi overrides and control characters (a name that
 * displays as another, or breaks a log line or a CSV export). Every name a person types follows the
 * display-name rules: NFC, trimmed, inner runs of spaces collapsed, 1–100 characters, no control or
 * bidi-override characters; 400 `invalid_name` naming the field.
 */
const BAD: [string, string][] = [
  ['NUL', 'Research\u0000'],
  ['bidi override', 'Team\u202Egnp.exe'],
  ['bidi isolate', 'Team\u2066x\u2069'],
  ['bell', 'Team\u0007'],
  ['newline', 'Research\nTeam'],
  ['DEL', 'Team\u007F'],
  ['C1 control', 'Team\u0085'],
  ['blank', '   '],
  ['empty', ''],
  ['too long', 'n'.repeat(101)],
];

describe('every human-entered name follows one rule', () => {
  let gw: TestGateway;
  let teamId: string;
  let keyId: string;
  let budgetId: string;
  let userId: string;
  before(async () => {
    gw = await startGateway();
    const { home } = gw.tg;
    teamId = home.defaultTeam.id;
    userId = (await gw.tg.directory.createUser({ orgId: home.org.id, email: 'names@example.com', name: 'Names' }, { actorId: 'system', orgId: home.org.id })).id;
    keyId = ((await (await gw.call('/api/keys', { body: { name: 'a key' } })).json()) as { id: string }).id;
    const budget = await gw.call('/api/budgets', { body: { scope: 'team', scope_id: teamId, period: 'monthly', limit_usd: '10' } });
    budgetId = ((await budget.json()) as { id: string }).id;
  });
  after(() => gw.close());

  const fields = (): { what: string; method: string; path: string; body: (name: string) => Record<string, unknown>; param: string; read?: (res: unknown) => string }[] => [
    { what: 'team create', method: 'POST', path: '/api/teams', body: (name) => ({ name }), param: 'name', read: (r) => (r as { name: string }).name },
    { what: 'team rename', method: 'PATCH', path: `/api/teams/${teamId}`, body: (name) => ({ name }), param: 'name' },
    { what: 'org create', method: 'POST', path: '/api/orgs', body: (name) => ({ name, owner_email: `o${Math.random().toString(36).slice(2)}@example.org` }), param: 'name', read: (r) => (r as { org: { name: string } }).org.name },
    { what: 'org owner name', method: 'POST', path: '/api/orgs', body: (name) => ({ name: 'Fine Org', owner_email: `p${Math.random().toString(36).slice(2)}@example.org`, owner_name: name }), param: 'owner_name' },
    { what: 'org rename', method: 'PATCH', path: `/api/orgs/${gw.tg.home.org.id}`, body: (name) => ({ name }), param: 'name' },
    { what: 'key create', method: 'POST', path: '/api/keys', body: (name) => ({ name }), param: 'name', read: (r) => (r as { name: string }).name },
    { what: 'key rename', method: 'PATCH', path: `/api/keys/${keyId}`, body: (name) => ({ name }), param: 'name' },
    { what: 'budget create', method: 'POST', path: '/api/budgets', body: (name) => ({ name, scope: 'team', scope_id: teamId, period: 'daily', limit_usd: '1' }), param: 'name', read: (r) => (r as { name: string }).name },
    { what: 'budget rename', method: 'PATCH', path: `/api/budgets/${budgetId}`, body: (name) => ({ name }), param: 'name' },
    { what: 'user display name', method: 'PATCH', path: `/api/users/${userId}`, body: (name) => ({ name }), param: 'name' },
    { what: 'own display name', method: 'PATCH', path: '/api/me', body: (name) => ({ name }), param: 'name' },
  ];

  test('control characters, bidi overrides, blank and over-long names are 400 invalid_name naming the field', async () => {
    for (const field of fields()) {
      for (const [why, name] of BAD) {
        const res = await gw.call(field.path, { method: field.method, body: field.body(name) });
        const text = await res.text();
        assert.equal(res.status, 400, `${field.what}, ${why}: ${text}`);
        const { error } = JSON.parse(text) as { error: { code: string; param: string; type: string } };
        assert.equal(error.code, 'invalid_name', `${field.what}, ${why}: ${text}`);
        assert.equal(error.param, field.param, `${field.what}, ${why}`);
        assert.equal(error.type, 'invalid_request_error');
      }
    }
  });

  test('names are stored normalised: NFC, trimmed, single spaces; 100 characters fit', async () => {
    for (const field of fields().filter((f) => f.read)) {
      const res = await gw.call(field.path, { method: field.method, body: field.body(`  Re\u0301search   Lab ${field.what.length} `) });
      assert.ok(res.status === 200 || res.status === 201, `${field.what}: ${await res.clone().text()}`);
      assert.equal(field.read!(await res.json()), `Résearch Lab ${field.what.length}`, field.what);
    }
    const long = await gw.call('/api/teams', { body: { name: 'é'.repeat(100) } });
    assert.equal(long.status, 201, await long.clone().text());
  });
});
