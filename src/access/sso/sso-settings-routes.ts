import type { FastifyInstance } from 'fastify';
import { errors } from '../../http/errors.ts';
import type { ChangeContext } from '../change-record.ts';
import { documentRoute } from '../../http/openapi/route-docs.ts';
import { parseInput } from '../../http/parse-input.ts';
import type { Directory, OrgRow } from '../directory/directory.ts';
import { accessOf, changeContextOf } from '../enforce.ts';
import { authorize, type Actor } from '../permissions/index.ts';
import { assertCanAssignRole } from '../permissions/role-assignment.ts';
import type { AccessRouteDeps } from '../route-deps.ts';
import type { SsoClients } from './sso-clients.ts';
import { requireRedirectUri, ssoRedirectUri } from './sso-redirect-uri.ts';
import { issuerRefusal, readSsoSettings, settingsFromInput, SsoSettingsBody, ssoNotConfigured, ssoSettingsView, type SsoSettings } from './sso-settings.ts';

/**
 * GET, PUT and DELETE /api/orgs/:id/sso: an organization's single sign-on settings (owners only).
 * The client secret is write-only: responses and change records only say whether one is set.
 */

documentRoute('GET /api/orgs/:id/sso', { summary: "The organization's single sign-on settings (the client secret is never shown; `client_secret_set` tells whether one is stored)." });
documentRoute('PUT /api/orgs/:id/sso', { summary: 'Set (replace) single sign-on settings: issuer, client, groups claim, group → team/role rules, default membership, email domains, just-in-time users.', body: SsoSettingsBody });
documentRoute('DELETE /api/orgs/:id/sso', { summary: 'Turn single sign-on off for the organization.' });
export async function ssoSettingsRoutes(app: FastifyInstance, deps: AccessRouteDeps, clients: SsoClients): Promise<void> {
  const now = deps.now ?? Date.now;

  app.get<{ Params: { id: string } }>('/orgs/:id/sso', async (req) => {
    const org = await ownedOrg(deps.directory, accessOf(req).actor, req.params.id);
    return ssoSettingsView(org.id, readSsoSettings(org.sso), ssoRedirectUri(deps.publicUrl));
  });

  app.put<{ Params: { id: string } }>('/orgs/:id/sso', async (req) => {
    const { actor } = accessOf(req);
    const org = await ownedOrg(deps.directory, actor, req.params.id);
    const input = parseInput(SsoSettingsBody, req.body);
    const refused = issuerRefusal(input.issuer, deps.outbound.policy);
    if (refused) throw errors.badRequest('invalid_parameter', `Invalid 'issuer': Tollgate does not call ${refused}. Use the identity provider's public https address (or, for one on your own network, the operator sets TOLLGATE_OUTBOUND_ALLOW_PRIVATE).`, 'issuer');
    const before = readSsoSettings(org.sso);
    const settings = settingsFromInput(input, before);
    await checkTeams(deps.directory, actor, org.id, settings);
    const redirectUri = requireRedirectUri(deps.publicUrl, 409);
    await save(deps.directory, org, before, settings, changeContextOf(req), redirectUri, now());
    clients.invalidate(org.id);
    return ssoSettingsView(org.id, settings, redirectUri);
  });

  app.delete<{ Params: { id: string } }>('/orgs/:id/sso', async (req) => {
    const org = await ownedOrg(deps.directory, accessOf(req).actor, req.params.id);
    const before = readSsoSettings(org.sso);
    if (before === null) throw ssoNotConfigured();
    const redirectUri = ssoRedirectUri(deps.publicUrl);
    await save(deps.directory, org, before, null, changeContextOf(req), redirectUri, now());
    clients.invalidate(org.id);
    return ssoSettingsView(org.id, null, redirectUri);
  });
}

async function ownedOrg(directory: Directory, actor: Actor, orgId: string): Promise<OrgRow> {
  authorize(actor, 'org.settings.write', { orgId });
  const org = await directory.getOrg(orgId);
  if (!org) throw errors.notFound('not_found', 'The requested resource does not exist.');
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
      throw errors.badRequest('invalid_parameter', `Invalid '${teamParam}': no team '${grant.teamId}' in this organization.`, teamParam);
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
