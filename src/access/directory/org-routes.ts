import { z } from 'zod';
import { fail } from '../../errors/index.ts';
import { humanName } from '../../http/index.ts';
import { defineRoute, type AnyRoute } from '../../http/index.ts';
import { parseEmailAddress } from '../credentials/email-address.ts';
import { accessOf, changeContextOf } from '../enforce.ts';
import { assertMayReceiveAccountLink, callerKeyLimits } from '../key-issuance.ts';
import { IpAllowlist } from '../network/index.ts';
import { authorize } from '../permissions/authorize.ts';
import type { AccessRouteDeps } from '../route-deps.ts';
import { IdParams, listOf } from '../route-schemas.ts';
import type { OrgRow } from './directory.ts';
import { orgView, OrgViewSchema, userView, UserViewSchema } from './directory-views.ts';
import { EntityName, isOperator, isUniqueViolation } from './directory-lookups.ts';
import { deliverInvitation, invitationUrl } from './invitation-mail.ts';
import { Invitations, invitationView, InvitationViewSchema } from './invitations.ts';

const CreateOrgBody = z.strictObject({
  name: EntityName,
  owner_email: z.string(),
  owner_name: humanName.optional(),
});

const UpdateOrgBody = z.strictObject({
  name: EntityName.optional(),
  require_2fa: z.boolean().optional(),
  /** Checked entry by entry by IpAllowlist.parse, so a bad entry is named `ip_allowlist[i]`. */
  ip_allowlist: z.array(z.unknown()).nullable().optional(),
  /** Serve models without a price while a budget applies (counted as unpriced, alerted once) instead of refusing them. */
  allow_unpriced_models: z.boolean().optional(),
});

const CreatedOrgSchema = z.strictObject({
  org: OrgViewSchema,
  owner: UserViewSchema,
  invitation: InvitationViewSchema,
  mailed: z.boolean(),
  invitation_url: z.string().optional().describe("Without mail configured: the owner's invitation link, handed to you this once"),
});

/** /api/orgs: the caller's organization, its settings, and (for the operator) other organizations. */
export function orgRoutes(deps: AccessRouteDeps): AnyRoute[] {
  const now = deps.now ?? Date.now;
  const invitations = new Invitations(deps.directory, { now });

  return [
    defineRoute({
      method: 'GET',
      path: '/api/orgs',
      permission: 'org.read',
      summary: "List organizations: the caller's own; every organization for owners of the home organization.",
      response: listOf(OrgViewSchema),
      handler: async ({ req }) => {
        const { actor } = accessOf(req);
        const orgs = (await isOperator(deps.directory, actor)) ? await deps.directory.listOrgs() : [await deps.directory.getOrg(actor.orgId)];
        return { object: 'list' as const, data: orgs.filter((o): o is OrgRow => o !== undefined).map(orgView) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/orgs',
      permission: 'orgs.create',
      summary: 'Create an organization with a Default team and an owner, who gets an invitation link (owners of the home organization only).',
      body: CreateOrgBody,
      response: CreatedOrgSchema,
      status: 201,
      handler: async ({ body: b, req }) => {
        const { actor } = accessOf(req);
        if (!(await isOperator(deps.directory, actor))) throw fail('permission_denied', { what: "perform 'orgs.create' (owners of the home organization only)" });
        const email = parseEmailAddress(b.owner_email, 'owner_email');
        if (await deps.directory.findUserByEmail(email)) throw emailInUse();
        const ctx = changeContextOf(req);
        const delivery = deps.mailer ? 'mail' : 'link';
        if (delivery === 'link') assertMayReceiveAccountLink(await callerKeyLimits(deps.keys, accessOf(req).principal));
        const created = await deps.directory
          .createOrgWithOwner({ name: b.name, ownerEmail: email, ownerName: b.owner_name }, ctx, (t, c) =>
            invitations.create({ orgId: c.org.id, teamId: c.team.id, email, role: 'owner', invitedBy: actor.userId, delivery }, { ...ctx, orgId: c.org.id }, t),
          )
          .catch((err: unknown) => {
            throw isUniqueViolation(err) ? emailInUse() : err;
          });
        const { invitation, token } = created.extra;
        const url = invitationUrl(req, deps.publicUrl, token);
        const letter = { to: email, orgName: created.org.name, teamName: created.team.name, role: 'owner', url, expiresAt: invitation.expires_at };
        const { mailed, link } = await deliverInvitation(deps, invitations, created.extra, letter, { ...ctx, orgId: created.org.id });
        // A mail that failed withdrew the invitation: invite the owner again (POST /api/invitations) once mail works.
        const current = (await invitations.get(invitation.id)) ?? invitation;
        return {
          org: orgView(created.org),
          owner: userView(created.owner),
          invitation: invitationView(current, now()),
          mailed,
          ...(link ? { invitation_url: link.url } : {}),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/orgs/:id',
      permission: 'org.read',
      summary: 'Show an organization.',
      params: IdParams,
      response: OrgViewSchema,
      handler: async ({ params, req }) => {
        const { actor } = accessOf(req);
        const org = await deps.directory.getOrg(params.id);
        if (org && org.id === actor.orgId) {
          authorize(actor, 'org.read', { orgId: org.id });
          return orgView(org);
        }
        if (org && (await isOperator(deps.directory, actor))) return orgView(org);
        throw fail('org_not_found', { id: params.id });
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/orgs/:id',
      permission: 'org.settings.write',
      summary: 'Change the name, the 2FA requirement, the IP allowlist or whether models without a price are served under budgets (owners).',
      params: IdParams,
      body: UpdateOrgBody,
      response: OrgViewSchema,
      handler: async ({ params, body: b, req }) => {
        const { actor } = accessOf(req);
        const org = await deps.directory.getOrg(params.id);
        if (!org || org.id !== actor.orgId) throw fail('org_not_found', { id: params.id });
        authorize(actor, 'org.settings.write', { orgId: org.id });
        const ipAllowlist = b.ip_allowlist === undefined || b.ip_allowlist === null ? b.ip_allowlist : checkedAllowlist(b.ip_allowlist, req.ip);
        const updated = await deps.directory.updateOrg(org.id, { name: b.name, require2fa: b.require_2fa, ipAllowlist, allowUnpricedModels: b.allow_unpriced_models }, changeContextOf(req));
        if (!updated) throw fail('org_not_found', { id: params.id });
        return orgView(updated);
      },
    }),
  ];
}

/** The allowlist's canonical entries; 400 if an entry is invalid or if the list would shut out the caller. */
function checkedAllowlist(entries: unknown[], callerIp: string): string[] {
  const list = IpAllowlist.parse(entries, 'ip_allowlist');
  if (!list.allows(callerIp)) throw fail('ip_allowlist_excludes_caller', { ip: callerIp });
  return list.entries;
}

const emailInUse = () => fail('email_in_use', { param: 'owner_email', reason: 'a user with this address already exists' });
