import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ChangeContext } from '../../../src/access/change-record.ts';
import { startTestProvider, type TestProvider } from '../../../src/access/sso/oidc-test-provider.ts';
import { startGateway, type TestGateway } from '../../support/gateway.ts';
import { callbackOf, errorOf, ssoBody, ssoSignIn } from './sso-support.ts';

const SECRET_MARK = 'tollgate-test-secret';

describe('SSO settings: /api/orgs/:id/sso', () => {
  let gw: TestGateway;
  let idp: TestProvider;
  let orgId: string;
  let eng: string;
  let otherOrgTeam: string;
  let otherOrgId: string;
  const system = (): ChangeContext => ({ actorId: 'system', orgId });
  const path = () => `/api/orgs/${orgId}/sso`;
  const put = (body: unknown, init: { key?: string | null; headers?: Record<string, string> } = {}) => gw.call(path(), { method: 'PUT', body, ...init });

  before(async () => {
    gw = await startGateway({ publicUrl: true, env: { TOLLGATE_OUTBOUND_ALLOW_PRIVATE: 'on' } });
    idp = await startTestProvider([{ login: 'ana', email: 'ana@example.com', name: 'Ana', groups: ['eng'] }], { redirectUris: [callbackOf(gw)] });
    orgId = gw.tg.home.org.id;
    eng = (await gw.tg.directory.createTeam(orgId, 'Engineering', system())).id;
    const other = await gw.tg.directory.createOrg('Other Inc', null);
    otherOrgId = other.id;
    otherOrgTeam = (await gw.tg.directory.createTeam(other.id, 'Theirs', { actorId: 'system', orgId: other.id })).id;
  });
  after(async () => {
    await idp?.close();
    await gw?.close();
  });

  test('before configuration GET says disabled and names the redirect URI to register', async () => {
    const res = await gw.call(path());
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { object: 'sso_settings', org_id: orgId, enabled: false, redirect_uri: callbackOf(gw) });
    const del = await gw.call(path(), { method: 'DELETE' });
    assert.equal(del.status, 404);
    assert.equal((await errorOf(del)).code, 'sso_not_configured');
  });

  test('the owner configures SSO; the client secret is never shown, logged or recorded', async () => {
    const res = await put(ssoBody(idp, { group_rules: [{ group: 'eng', team_id: eng, role: 'member' }], allowed_email_domains: ['Example.com'] }));
    assert.equal(res.status, 200);
    const shown = (await res.json()) as Record<string, unknown>;
    assert.equal(shown.client_secret, undefined);
    assert.equal(shown.client_secret_set, true);
    assert.equal(shown.enabled, true);
    assert.equal(shown.issuer, idp.issuer);
    assert.equal(shown.groups_claim, 'groups');
    assert.equal(shown.jit, true);
    assert.deepEqual(shown.allowed_email_domains, ['example.com']);
    assert.deepEqual(shown.group_rules, [{ group: 'eng', team_id: eng, role: 'member' }]);

    const got = await (await gw.call(path())).text();
    assert.ok(!got.includes(SECRET_MARK), got);
    assert.match(got, /"client_secret_set":true/);
    const orgRes = await gw.call(`/api/orgs/${orgId}`);
    if (orgRes.status === 200) assert.ok(!(await orgRes.text()).includes(SECRET_MARK));

    const records = await gw.tg.store.db.selectFrom('audit_events').selectAll().where('target', '=', orgId).where('action', 'like', 'org.sso%').execute();
    assert.deepEqual(records.map((r) => [r.action, r.actor]), [['org.sso_configured', gw.tg.home.owner.id]]);
    assert.ok(!JSON.stringify(records).includes(SECRET_MARK), 'no secret in change records');
    assert.equal(JSON.parse(records[0]!.after!).client_secret_set, true);
    assert.ok(!gw.logs.join('').includes(SECRET_MARK), 'no secret in logs');
  });

  test('PUT without client_secret keeps the stored one; null makes a public client', async () => {
    const { client_secret: _omitted, ...withoutSecret } = ssoBody(idp, { group_rules: [{ group: 'eng', team_id: eng, role: 'admin' }] });
    const res = await put(withoutSecret);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { client_secret_set: boolean }).client_secret_set, true);
    const { response } = await ssoSignIn(gw, orgId, 'ana');
    assert.equal(response.status, 302, 'the kept secret still authenticates Tollgate at the IdP');

    const stored = await gw.tg.store.db.selectFrom('audit_events').select(['before', 'after']).where('action', '=', 'org.sso_updated').execute();
    assert.equal(stored.length, 1);
    assert.notEqual(stored[0]!.before, null);

    const pub = await put({ ...withoutSecret, client_id: idp.publicClientId, client_secret: null });
    assert.equal(((await pub.json()) as { client_secret_set: boolean }).client_secret_set, false);
    assert.equal((await put(ssoBody(idp))).status, 200);
  });

  test("bad input is refused with 400 naming the field", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ issuer: 'not a url' }, 'issuer'],
      [{ issuer: 'ftp://idp.example.com' }, 'issuer'],
      [{ issuer: 'https://169.254.169.254' }, 'issuer'],
      [{ issuer: 'https://user:pw@idp.example.com' }, 'issuer'],
      [{ issuer: 'https://idp.example.com/?tenant=1' }, 'issuer'],
      [{ client_id: '' }, 'client_id'],
      [{ group_rules: [{ group: 'eng', team_id: eng, role: 'boss' }] }, 'group_rules[0].role'],
      [{ group_rules: [{ group: 'eng', team_id: eng, role: 'member' }, { group: 'x', team_id: otherOrgTeam, role: 'member' }] }, 'group_rules[1].team_id'],
      [{ group_rules: [{ group: 'eng', team_id: 'team_nope', role: 'member' }] }, 'group_rules[0].team_id'],
      [{ group_rules: [{ group: 'eng', team: eng, role: 'member' }] }, 'group_rules[0].team'], // the unknown field is named first
      [{ group_rules: [{ group: '', team_id: eng, role: 'member' }] }, 'group_rules[0].group'],
      [{ group_rules: [{ group: 'eng', team_id: eng, role: 'member' }, { group: 'eng', team_id: eng, role: 'admin' }] }, 'group_rules[1]'],
      [{ default_team_id: eng }, 'default_role'],
      [{ default_team_id: otherOrgTeam, default_role: 'member' }, 'default_team_id'],
      [{ default_team_id: eng, default_role: 'chief' }, 'default_role'],
      [{ scopes: ['openid', 'bad scope'] }, 'scopes[1]'],
      [{ allowed_email_domains: ['not a domain'] }, 'allowed_email_domains[0]'],
      [{ jit: 'yes' }, 'jit'],
      [{ clientId: 'x' }, 'clientId'],
    ];
    for (const [change, param] of cases) {
      const res = await put({ ...ssoBody(idp), ...change });
      assert.equal(res.status, 400, `${JSON.stringify(change)}: ${await res.clone().text()}`);
      const err = await errorOf(res);
      assert.equal(err.param, param, JSON.stringify(change));
      assert.equal(err.type, 'invalid_request_error');
    }
    const { issuer: _missing, ...noIssuer } = ssoBody(idp);
    assert.equal((await errorOf(await put(noIssuer))).param, 'issuer');
    const current = (await (await gw.call(path())).json()) as { issuer: string; group_rules: unknown[] };
    assert.equal(current.issuer, idp.issuer, 'a refused PUT changes nothing');
  });

  test("non-owners get 403 (a member's session or key, a team admin); another org's id gets 404", async () => {
    const member = await gw.tg.directory.createUser({ orgId, email: 'member@example.com', name: 'Member' }, system());
    await gw.tg.directory.setMembership(eng, member.id, 'member', system());
    const admin = await gw.tg.directory.createUser({ orgId, email: 'admin@example.com', name: 'Admin' }, system());
    await gw.tg.directory.setMembership(eng, admin.id, 'admin', system());
    const memberKey = (await gw.tg.keys.create({ name: 'member key', orgId, userId: member.id }, system())).secret;
    const { token, session } = await gw.tg.sessions.start(admin.id, { method: 'password' });
    const cookie = { cookie: `tg_session=${token}` };

    for (const method of ['GET', 'PUT', 'DELETE']) {
      const body = method === 'PUT' ? ssoBody(idp) : undefined;
      const byKey = await gw.call(path(), { method, key: memberKey, ...(body ? { body } : {}) });
      assert.equal(byKey.status, 403, `${method} with a member's key`);
      assert.equal((await errorOf(byKey)).code, 'permission_denied');
      const bySession = await gw.call(path(), { method, key: null, headers: { ...cookie, 'x-csrf-token': session.csrf_token }, ...(body ? { body } : {}) });
      assert.equal(bySession.status, 403, `${method} with a team admin's session`);
      assert.equal((await errorOf(bySession)).code, 'permission_denied');
    }
    const foreign = await gw.call(`/api/orgs/${otherOrgId}/sso`);
    assert.equal(foreign.status, 404);
    assert.equal((await gw.call(`/api/orgs/${otherOrgId}/sso`, { method: 'PUT', body: ssoBody(idp) })).status, 404);
  });

  test('DELETE turns SSO off: sign-in starts answer 404 and the change is recorded', async () => {
    const res = await gw.call(path(), { method: 'DELETE' });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { enabled: boolean }).enabled, false);
    const start = await fetch(`${gw.url}/api/auth/sso/${orgId}/start`, { redirect: 'manual' });
    assert.equal(start.status, 404);
    const removed = await gw.tg.store.db.selectFrom('audit_events').select(['before', 'after']).where('action', '=', 'org.sso_removed').executeTakeFirstOrThrow();
    assert.equal(removed.after, null);
    assert.ok(!removed.before!.includes(SECRET_MARK));
  });
});
