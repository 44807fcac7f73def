import { fail } from '../../errors/index.ts';
import { defineRoute, type AnyRoute } from '../../http/index.ts';
import type { ChangeContext } from '../change-record.ts';
import type { Directory, OrgRow } from '../directory/directory.ts';
import { accessOf, changeContextOf } from '../enforce.ts';
import { authorize, type Actor } from '../permissions/index.ts';
import { assertCanAssignRole } from '../permissions/role-assignment.ts';
import type { AccessRouteDeps } from '../route-deps.ts';
import { IdParams } from '../route-schemas.ts';
import type { SsoClients } from './sso-clients.ts';
import { requireRedirectUri, ssoRedirectUri } from './sso-redirect-uri.ts';
import { ssoSecretAad } from './sso-clients.ts';
import { issuerRefusal, readSsoSettings, settingsFromInput, SsoSettingsBody, SsoSettingsViewSchema, ssoNotConfigured, ssoSettingsView, type SsoSettings } from './sso-settings.ts';

/**
 * GET, PUT and DELETE /api/orgs/:id/sso: an organization's single sign-on settings (owners only).
 * The client secret is write-only: responses and change records only say whether one is set.
 */
export function ssoSettingsRoutes(deps: AccessRouteDeps, clients: SsoClients): AnyRoute[] {
  const now = deps.now ?? Date.now;

  return [
    defineRoute({
      method: 'GET',
      path: '/api/orgs/:id/sso',
      permission: 'org.settings.write',
      summary: "The organization's single sign-on settings (the client secret is never shown; `client_secret_set` tells whether one is stored).",
      params: IdParams,
      response: SsoSettingsViewSchema,
      handler: async ({ params, req }) => {
        const org = await ownedOrg(deps.directory, accessOf(req).actor, params.id);
        return ssoSettingsView(org.id, readSsoSettings(org.sso), ssoRedirectUri(deps.publicUrl));
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/api/orgs/:id/sso',
      permission: 'org.settings.write',
      summary: 'Set (replace) single sign-on settings: issuer, client, groups claim, group → team/role rules, default membership, email domains, just-in-time users.',
      params: IdParams,
      body: SsoSettingsBody,
      response: SsoSettingsViewSchema,
      handler: async ({ params, body: input, req }) => {
        const { actor } = accessOf(req);
        const org = await ownedOrg(deps.directory, actor, params.id);
        const refused = issuerRefusal(input.issuer, deps.outbound.policy);
        if (refused) {
          throw fail('invalid_parameter', {
            param: 'issuer',
            reason: `Tollgate does not call ${refused}. Use the identity provider's public https address (or, for one on your own network, the operator sets TOLLGATE_OUTBOUND_ALLOW_PRIVATE)`,
          });
        }
        const before = readSsoSettings(org.sso);
        const settings = settingsFromInput(input, before);
        // A new secret is sealed under the organization's data key; an omitted one stays as stored.
        if (typeof input.client_secret === 'string') settings.client_secret = await deps.directory.cipher.seal(org.id, input.client_secret, ssoSecretAad(org.id));
        await checkTeams(deps.directory, actor, org.id, settings);
        const redirectUri = requireRedirectUri(deps.publicUrl, 'configure');
        await save(deps.directory, org, before, settings, changeContextOf(req), redirectUri, now());
        clients.invalidate(org.id);
        return ssoSettingsView(org.id, settings, redirectUri);
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/orgs/:id/sso',
      permission: 'org.settings.write',
      summary: 'Turn single sign-on off for the organization.',
      params: IdParams,
      response: SsoSettingsViewSchema,
      handler: async ({ params, req }) => {
        const org = await ownedOrg(deps.directory, accessOf(req).actor, params.id);
        const before = readSsoSettings(org.sso);
        if (before === null) throw ssoNotConfigured();
        const redirectUri = ssoRedirectUri(deps.publicUrl);
        await save(deps.directory, org, before, null, changeContextOf(req), redirectUri, now());
        clients.invalidate(org.id);
        return ssoSettingsView(org.id, null, redirectUri);
      },
    }),
  ];
}

async function ownedOrg(directory: Directory, actor: Actor, orgId: string): Promise<OrgRow> {
  authorize(actor, 'org.settings.write', { orgId });
  const org = await directory.getOrg(orgId);
  if (!org) throw fail('not_found');
  return org;
}

/** Every team a rule or the default names must be a team of this org, and the caller must be allowed to grant the role there. */
async function checkTeams(directory: Directory, actor: Actor, orgId: string, settings: SsoSettings): Promise<void> {
  const grants = settings.group_rules.map((r, i) => ({ teamId: r.team_id, role: r.role, param: `group_rules[${i}]` }));
  if (settings.default_team_id !== null && settings.default_role !== null) {
    grants.push({ teamId: settings.default_team_id, role: settings.default_role, param: 'default' });
  }
  for (const grant of grants) {
    const teamParam = grant.param === 'default' ? 'default_team_id' : `${grant.param}.team_id`;
    const team = await directory.getTeam(grant.teamId);
    if (!team || team.org_id !== orgId) {
      throw fail('invalid_parameter', { param: teamParam, reason: `no team '${grant.teamId}' in this organization` });
    }
    assertCanAssignRole(actor, { orgId, teamId: team.id }, null, grant.role);
  }
}

async function save(directory: Directory, org: OrgRow, before: SsoSettings | null, after: SsoSettings | null, ctx: ChangeContext, redirectUri: string | null, at: number): Promise<void> {
  const action = after === null ? 'org.sso_removed' : before === null ? 'org.sso_configured' : 'org.sso_updated';
  await directory.db.transaction().execute(async (trx) => {
    await trx.updateTable('orgs').set({ sso: after === null ? null : JSON.stringify(after), updated_at: at }).where('id', '=', org.id).execute();
    const view = (s: SsoSettings | null) => (s === null ? null : ssoSettingsView(org.id, s, redirectUri));
    await directory.record(trx, ctx, action, org.id, view(before), view(after), at, org.id);
  });
}
