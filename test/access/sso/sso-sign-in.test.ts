import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { ChangeContext } from '../../../src/access/change-record.ts';
import { startTestProvider, type TestAccount, type TestProvider } from '../../../src/access/sso/oidc-test-provider.ts';
import { TestBrowser } from '../../../src/access/sso/test-browser.ts';
import { jwtPayload, signRs256 } from '../../../src/access/sso/test-jwt-signer.ts';
import { startGateway, type TestGateway } from '../../support/gateway.ts';
import { storeKinds, type TestStore } from '../../support/stores.ts';
import { callbackOf, errorOf, me, ssoBody, ssoSignIn } from './sso-support.ts';

for (const kind of storeKinds()) {
  describe(`SSO sign-in through a real OpenID provider (${kind.name})`, () => {
    let store: TestStore | undefined;
    let gw: TestGateway;
    let idp: TestProvider;
    let orgId: string;
    let eng: string;
    const ana: TestAccount = { login: 'ana', email: 'ana@example.com', name: 'Ana Lima', groups: ['eng'] };
    const bo: TestAccount = { login: 'bo', email: 'bo@example.com', name: 'Bo', groups: ['eng'] };
    const cy: TestAccount = { login: 'cy', email: 'cy@example.com', name: 'Cy', groups: ['eng'] };
    const di: TestAccount = { login: 'di', email: 'di@example.com', name: 'Di', groups: ['eng-leads'] };
    const ed: TestAccount = { login: 'ed', email: 'ed@elsewhere.test', name: 'Ed', groups: [] };

    const users = () => gw.tg.store.db.selectFrom('users').selectAll();
    const membershipsOf = (userId: string) => gw.tg.store.db.selectFrom('memberships').select(['team_id', 'role']).where('user_id', '=', userId).orderBy('team_id').execute();
    const system = (): ChangeContext => ({ actorId: 'system', orgId });

    before(async () => {
      store = await kind.create();
      gw = await startGateway({ store, publicUrl: true, env: { TOLLGATE_OUTBOUND_ALLOW_PRIVATE: 'on' } });
      idp = await startTestProvider([ana, bo, cy, di, ed], { redirectUris: [callbackOf(gw)] });
      orgId = gw.tg.home.org.id;
      eng = (await gw.tg.directory.createTeam(orgId, 'Engineering', system())).id;
      const res = await gw.call(`/api/orgs/${orgId}/sso`, {
        method: 'PUT',
        body: ssoBody(idp, {
          group_rules: [
            { group: 'eng', team_id: eng, role: 'member' },
            { group: 'eng-leads', team_id: eng, role: 'admin' },
          ],
        }),
      });
      assert.equal(res.status, 200, await res.clone().text());
    });
    after(async () => {
      await idp?.close();
      await gw?.close();
      await store?.dispose();
    });
    test('a first sign-in creates the user in the mapped team with the mapped role; /api/me shows it', async () => {
      ana.groups = ['eng'];
      const { response, session } = await ssoSignIn(gw, orgId, 'ana');
      assert.equal(response.status, 302, await response.clone().text());
      assert.equal(response.headers.get('location'), '/');
      assert.ok(session, 'a session cookie is set');
      const setCookies = response.headers.getSetCookie().join('\n');
      assert.match(setCookies, /tg_session=[^;]+;.*HttpOnly/i);
      assert.match(setCookies, /tg_sso=;/, 'the browser binding cookie is cleared');

      const user = await users().where('email', '=', 'ana@example.com').executeTakeFirstOrThrow();
      assert.equal(user.org_id, orgId);
      assert.equal(user.name, 'Ana Lima');
      assert.equal(user.sso_issuer, idp.issuer);
      assert.equal(user.sso_subject, 'ana');
      assert.equal(user.password_hash, null);
      assert.deepEqual(await membershipsOf(user.id), [{ team_id: eng, role: 'member' }]);

      const res = await me(gw, session);
      assert.equal(res.status, 200, await res.clone().text());
      const body = JSON.stringify(await res.json());
      assert.ok(body.includes(user.id), body);
      assert.ok(body.includes(eng), `the membership is shown: ${body}`);

      const session_ = await gw.tg.store.db.selectFrom('sessions').select(['user_id', 'method']).where('user_id', '=', user.id).execute();
      assert.deepEqual(session_, [{ user_id: user.id, method: 'sso' }]);
      const records = await gw.tg.store.db.selectFrom('audit_events').select(['actor', 'action', 'target']).where('org_id', '=', orgId).where('actor', '=', `sso:${idp.issuer}`).orderBy('at').execute();
      assert.deepEqual(records.map((r) => [r.action, r.target]), [
        ['user.created', user.id],
        ['membership.added', `${eng}/${user.id}`],
      ]);
    });

    test('a second sign-in reuses the user; changed groups change the role; no group removes the membership', async () => {
      ana.groups = ['eng', 'eng-leads'];
      const second = await ssoSignIn(gw, orgId, 'ana');
      assert.equal(second.response.status, 302);
      const all = await users().where('email', '=', 'ana@example.com').execute();
      assert.equal(all.length, 1, 'no second user');
      const user = all[0]!;
      assert.deepEqual(await membershipsOf(user.id), [{ team_id: eng, role: 'admin' }]);
      const meBody = JSON.stringify(await (await me(gw, second.session!)).json());
      assert.ok(meBody.includes('admin'), meBody);

      // A membership the IdP does not manage (a team no rule names) is left alone.
      const defaultTeam = gw.tg.home.defaultTeam.id;
      await gw.tg.directory.setMembership(defaultTeam, user.id, 'viewer', system());
      ana.groups = [];
      const third = await ssoSignIn(gw, orgId, 'ana');
      assert.equal(third.response.status, 302);
      assert.deepEqual(await membershipsOf(user.id), [{ team_id: defaultTeam, role: 'viewer' }]);
      const removed = await gw.tg.store.db.selectFrom('audit_events').select('actor').where('action', '=', 'membership.removed').where('target', '=', `${eng}/${user.id}`).execute();
      assert.deepEqual(removed, [{ actor: `sso:${idp.issuer}` }]);
      ana.groups = ['eng'];
    });

    test('an existing user of the organization with the same verified email is linked, not duplicated', async () => {
      const existing = await gw.tg.directory.createUser({ orgId, email: 'bo@example.com', name: 'Bo Local' }, system());
      const { response } = await ssoSignIn(gw, orgId, 'bo');
      assert.equal(response.status, 302);
      const linked = await users().where('email', '=', 'bo@example.com').execute();
      assert.equal(linked.length, 1);
      assert.equal(linked[0]!.id, existing.id);
      assert.equal(linked[0]!.sso_subject, 'bo');
      assert.deepEqual(await membershipsOf(existing.id), [{ team_id: eng, role: 'member' }]);
      const record = await gw.tg.store.db.selectFrom('audit_events').select(['before', 'after']).where('action', '=', 'user.sso_linked').where('target', '=', existing.id).executeTakeFirstOrThrow();
      assert.equal(JSON.parse(record.before!).sso, false);
      assert.equal(JSON.parse(record.after!).sso, true);
    });

    test('a user of another organization with that email is refused with 403, a disabled user with 401 user_disabled', async () => {
      const other = await gw.tg.directory.createOrg('Other Inc', null);
      await gw.tg.directory.createUser({ orgId: other.id, email: 'cy@example.com', name: 'Cy' }, { actorId: 'system', orgId: other.id });
      const refused = await ssoSignIn(gw, orgId, 'cy');
      assert.equal(refused.response.status, 403);
      assert.equal((await errorOf(refused.response)).code, 'sso_user_in_other_org');
      assert.equal(refused.session, undefined);

      const { response } = await ssoSignIn(gw, orgId, 'di');
      assert.equal(response.status, 302);
      await gw.tg.store.db.updateTable('users').set({ status: 'disabled' }).where('email', '=', 'di@example.com').execute();
      const disabled = await ssoSignIn(gw, orgId, 'di');
      // A disabled account is refused as its keys are: 401 user_disabled (one code, one status).
      assert.equal(disabled.response.status, 401);
      assert.equal((await errorOf(disabled.response)).code, 'user_disabled');
      assert.equal(disabled.session, undefined);
    });

    test('with provisioning off or an email domain not allowed, an unknown user is refused', async () => {
      const put = (extra: Record<string, unknown>) => gw.call(`/api/orgs/${orgId}/sso`, { method: 'PUT', body: ssoBody(idp, { group_rules: [{ group: 'eng', team_id: eng, role: 'member' }], ...extra }) });
      try {
        assert.equal((await put({ jit: false })).status, 200);
        const notProvisioned = await ssoSignIn(gw, orgId, 'ed');
        assert.equal(notProvisioned.response.status, 403);
        assert.equal((await errorOf(notProvisioned.response)).code, 'sso_user_not_provisioned');
        assert.equal((await ssoSignIn(gw, orgId, 'ana')).response.status, 302, 'known users still sign in');

        assert.equal((await put({ allowed_email_domains: ['example.com'] })).status, 200);
        const outside = await ssoSignIn(gw, orgId, 'ed');
        assert.equal(outside.response.status, 403);
        assert.equal((await errorOf(outside.response)).code, 'sso_email_domain_not_allowed');
        assert.equal(await users().where('email', '=', 'ed@elsewhere.test').executeTakeFirst(), undefined);
      } finally {
        await put({ group_rules: [{ group: 'eng', team_id: eng, role: 'member' }, { group: 'eng-leads', team_id: eng, role: 'admin' }] });
      }
    });

    test('a user with no matching group gets the configured default membership', async () => {
      const put = (extra: Record<string, unknown>) => gw.call(`/api/orgs/${orgId}/sso`, { method: 'PUT', body: ssoBody(idp, { group_rules: [{ group: 'eng', team_id: eng, role: 'member' }], ...extra }) });
      const defaultTeam = gw.tg.home.defaultTeam.id;
      try {
        assert.equal((await put({ default_team_id: defaultTeam, default_role: 'viewer' })).status, 200);
        const { response } = await ssoSignIn(gw, orgId, 'ed');
        assert.equal(response.status, 302);
        const user = await users().where('email', '=', 'ed@elsewhere.test').executeTakeFirstOrThrow();
        assert.deepEqual(await membershipsOf(user.id), [{ team_id: defaultTeam, role: 'viewer' }]);
      } finally {
        await put({ group_rules: [{ group: 'eng', team_id: eng, role: 'member' }, { group: 'eng-leads', team_id: eng, role: 'admin' }] });
      }
    });

    test('return_to sends the browser back to a path on this site; another site is refused', async () => {
      const { response } = await ssoSignIn(gw, orgId, 'ana', { returnTo: '/settings/keys?tab=mine' });
      assert.equal(response.status, 302);
      assert.equal(response.headers.get('location'), '/settings/keys?tab=mine');
      for (const evil of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'settings']) {
        const res = await fetch(`${gw.url}/api/auth/sso/${orgId}/start?return_to=${encodeURIComponent(evil)}`, { redirect: 'manual' });
        assert.equal(res.status, 400, evil);
        assert.equal((await errorOf(res)).param, 'return_to');
      }
    });

    test('an ID token changed in transit (more groups, or re-signed with another key) is refused with 401', async () => {
      const { privateKey: attackerKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const forgeries: [string, (jwt: string) => string][] = [
        ['payload changed under the old signature', (jwt) => {
          const [header, , signature] = jwt.split('.');
          const claims = { ...jwtPayload(jwt), groups: ['eng-leads'], email: 'owner@tollgate.localhost' };
          return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
        }],
        ["re-signed with another key under the IdP's key id", (jwt) => signRs256({ ...jwtPayload(jwt), sub: 'owner' }, attackerKey, idp.kid)],
        ['validly signed but for another audience', (jwt) => signRs256({ ...jwtPayload(jwt), aud: 'someone-else' }, idp.signingKey, idp.kid)],
      ];
      const before = (await users().execute()).length;
      for (const [what, forge] of forgeries) {
        idp.tamperIdToken = forge;
        try {
          const { response, session } = await ssoSignIn(gw, orgId, 'ana');
          assert.equal(response.status, 401, what);
          assert.equal((await errorOf(response)).code, 'sso_invalid_token', what);
          assert.equal(session, undefined, what);
        } finally {
          idp.tamperIdToken = undefined;
        }
      }
      assert.equal((await users().execute()).length, before, 'no user was created');
    });

    test('a wrong or replayed state is refused with 400', async () => {
      const browser = new TestBrowser();
      const callbackUrl = await browser.signIn(`${gw.url}/api/auth/sso/${orgId}/start`, { stopAt: callbackOf(gw), login: 'ana' });
      const wrong = new URL(callbackUrl);
      wrong.searchParams.set('state', 'not-the-state');
      const res = await browser.get(wrong.href);
      assert.equal(res.status, 400);
      assert.deepEqual(await errorOf(res).then((e) => [e.code, e.param]), ['sso_state_invalid', 'state']);
      const noState = new URL(callbackUrl);
      noState.searchParams.delete('state');
      assert.equal((await browser.get(noState.href)).status, 400);

      assert.equal((await browser.get(callbackUrl)).status, 302, 'the genuine callback still works');
      const replay = await new TestBrowser().get(callbackUrl);
      assert.equal(replay.status, 400);
      const replaySame = await browser.get(callbackUrl);
      assert.equal(replaySame.status, 400, 'a state is used once, also in the browser that started it');
      assert.equal((await errorOf(replaySame)).code, 'sso_state_invalid');
    });

    test('a sign-in started in one browser cannot be completed in another', async () => {
      const victim = new TestBrowser();
      // The attacker starts a sign-in and hands the IdP's redirect (state and code) to another browser.
      const attacker = new TestBrowser();
      const callbackUrl = await attacker.signIn(`${gw.url}/api/auth/sso/${orgId}/start`, { stopAt: callbackOf(gw), login: 'ana' });
      const res = await victim.get(callbackUrl);
      assert.equal(res.status, 400);
      assert.equal((await errorOf(res)).code, 'sso_state_invalid');
      assert.equal(victim.cookie('tg_session'), undefined);

      // A binding cookie of another sign-in does not help either.
      await victim.signIn(`${gw.url}/api/auth/sso/${orgId}/start`, { stopAt: callbackOf(gw), login: 'ana' });
      assert.equal((await victim.get(callbackUrl)).status, 400);
      assert.equal((await attacker.get(callbackUrl)).status, 302, 'the browser that started it still can');
    });

    test('an unknown organization or one without SSO answers 404', async () => {
      const other = await gw.tg.directory.createOrg('No SSO Ltd', null);
      for (const id of ['org_unknown', other.id]) {
        const res = await fetch(`${gw.url}/api/auth/sso/${id}/start`, { redirect: 'manual' });
        assert.equal(res.status, 404);
        assert.equal((await errorOf(res)).code, 'sso_not_configured');
      }
    });
  });
}
