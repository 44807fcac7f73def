import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { storeKinds, type TestStore } from '../../../test/support/stores.ts';
import type { ChangeContext } from '../change-record.ts';
import { Directory, type OrgRow } from '../directory/directory.ts';
import { provisionSsoUser } from './sso-provisioning.ts';
import type { SsoSettings } from './sso-settings.ts';

for (const kind of storeKinds()) {
  describe(`SSO provisioning on ${kind.name}`, () => {
    let t: TestStore;
    let directory: Directory;
    let org: OrgRow;
    let ctx: ChangeContext;
    let settings: SsoSettings;
    before(async () => {
      t = await kind.create();
      directory = new Directory(t.store);
      org = await directory.createOrg('Acme', null);
      ctx = { actorId: 'sso:https://idp.example.com', orgId: org.id };
      const team = await directory.createTeam(org.id, 'Engineering', ctx);
      settings = {
        issuer: 'https://idp.example.com',
        client_id: 'tollgate',
        client_secret: null,
        scopes: null,
        groups_claim: 'groups',
        group_rules: [{ group: 'eng', team_id: team.id, role: 'member' }],
        default_team_id: null,
        default_role: null,
        allowed_email_domains: null,
        jit: true,
      };
    });
    after(() => t.dispose());

    test('two first sign-ins of the same person at once make one user, not an error', async () => {
      const identity = { subject: 'sub-1', issuer: settings.issuer, email: 'ana@example.com', emailVerified: true, name: 'Ana', groups: ['eng'] };
      const [a, b] = await Promise.all([provisionSsoUser(directory, org, settings, identity, ctx), provisionSsoUser(directory, org, settings, identity, ctx)]);
      assert.equal(a.id, b.id);
      const users = await t.store.db.selectFrom('users').select('id').where('email', '=', 'ana@example.com').execute();
      assert.equal(users.length, 1);
      assert.deepEqual((await directory.memberships(a.id)).map((m) => m.role), ['member']);
    });
  });
}
