import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ChangeContext } from '../../../src/access/change-record.ts';
import { PasswordHasher } from '../../../src/access/credentials/password-hasher.ts';
import { startTestProvider, type TestAccount, type TestProvider } from '../../../src/access/sso/oidc-test-provider.ts';
import { startGateway, type TestGateway } from '../../support/gateway.ts';
import { callbackOf, errorOf, ssoBody, ssoSignIn } from './sso-support.ts';

/*
 * Issue 8, points 1 and 11, on single sign-on: the organization's owner chooses the identity
 * provider, and an existing account is linked to an IdP account by a verified email. So:
 * - an address nobody proved (an account made from a link handed to an inviter) is claimed by
 *   whoever proves it at the IdP: the password, 2FA, sessions and personal keys someone else may
 *   have set up on it stop working;
 * - an owner account, or one with two-factor authentication, is never taken over by email: the
 *   IdP's word would otherwise stand in for the owner's password or the person's second factor.
 */
describe('SSO linking by email', () => {
  let gw: TestGateway;
  let idp: TestProvider;
  let orgId: string;
  const accounts: TestAccount[] = ['squat', 'boss', 'twofa', 'fresh'].map((login) => ({ login, email: `${login}@example.com`, name: login, groups: [] }));
  const ctx = (): ChangeContext => ({ actorId: 'system', orgId });
  const userRow = (email: string) => gw.tg.store.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirstOrThrow();

  before(async () => {
    gw = await startGateway({ publicUrl: true, env: { TOLLGATE_OUTBOUND_ALLOW_PRIVATE: 'on' } });
    idp = await startTestProvider(accounts, { redirectUris: [callbackOf(gw)] });
    orgId = gw.tg.home.org.id;
    const res = await gw.call(`/api/orgs/${orgId}/sso`, { method: 'PUT', body: ssoBody(idp) });
    assert.equal(res.status, 200, await res.clone().text());
  });
  after(async () => {
    await idp?.close();
    await gw?.close();
  });

  test('an unverified account is claimed by the verified person: what others set up on it stops working', async () => {
    const hash = await new PasswordHasher().hash('set by whoever accepted the link');
    const squat = await gw.tg.directory.createUser({ orgId, email: 'squat@example.com', name: 'Squatter', passwordHash: hash }, ctx());
    await gw.tg.directory.setMembership(gw.tg.home.defaultTeam.id, squat.id, 'member', ctx());
    const session = await gw.tg.sessions.start(squat.id, { method: 'invitation' });
    const key = await gw.tg.keys.create({ name: 'squatter key', orgId, userId: squat.id, teamId: gw.tg.home.defaultTeam.id }, ctx());
    assert.equal((await gw.call('/v1/models', { key: key.secret })).status, 200);

    const { response } = await ssoSignIn(gw, orgId, 'squat');
    assert.equal(response.status, 302, await response.clone().text());
    const after = await userRow('squat@example.com');
    assert.equal(after.id, squat.id, 'linked, not duplicated');
    assert.equal(after.password_hash, null, 'the password set by someone else is gone');
    assert.ok(after.email_verified_at !== null);
    assert.equal((await gw.call('/api/me', { key: null, headers: { cookie: `tg_session=${session.token}` } })).status, 401, 'the earlier session ended');
    assert.equal((await gw.call('/v1/models', { key: key.secret })).status, 401, 'the earlier personal key is revoked');
  });

  test('an owner or a 2FA account is not linked by email', async () => {
    await gw.tg.directory.createUser({ orgId, email: 'boss@example.com', name: 'Boss', orgRole: 'owner', emailVerified: true }, ctx());
    const owner = await ssoSignIn(gw, orgId, 'boss');
    assert.equal(owner.response.status, 403);
    assert.equal((await errorOf(owner.response)).code, 'sso_link_refused');
    assert.equal(owner.session, undefined);

    const twofa = await gw.tg.directory.createUser({ orgId, email: 'twofa@example.com', name: 'Two', emailVerified: true }, ctx());
    await gw.tg.store.db.updateTable('users').set({ totp_secret: 'JBSWY3DPEHPK3PXP', totp_enabled_at: Date.now() }).where('id', '=', twofa.id).execute();
    const refused = await ssoSignIn(gw, orgId, 'twofa');
    assert.equal(refused.response.status, 403);
    assert.equal((await errorOf(refused.response)).code, 'sso_link_refused');
    assert.equal((await userRow('twofa@example.com')).sso_subject, null);
  });

  test('a user created by SSO has a verified address when the IdP verified it', async () => {
    const { response } = await ssoSignIn(gw, orgId, 'fresh');
    assert.equal(response.status, 302);
    assert.ok((await userRow('fresh@example.com')).email_verified_at !== null);
  });
});
