import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { errors } from '../../http/errors.ts';
import { humanName } from '../../http/human-name.ts';
import { documentRoute } from '../../http/openapi/route-docs.ts';
import { parseInput } from '../../http/parse-input.ts';
import { parseEmailAddress } from '../credentials/email-address.ts';
import { accessOf, changeContextOf } from '../enforce.ts';
import { assertMayReceiveAccountLink, callerKeyLimits } from '../key-issuance.ts';
import { IpAllowlist } from '../network/index.ts';
import { authorize } from '../permissions/authorize.ts';
import type { AccessRouteDeps } from '../route-deps.ts';
import { orgView, userView, type OrgRow } from './directory.ts';
import { conflict, EntityName, isOperator, isUniqueViolation } from './directory-lookups.ts';
import { deliverInvitation, invitationUrl } from './invitation-mail.ts';
import { Invitations, invitationView } from './invitations.ts';

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

documentRoute('GET /api/orgs', { summary: "List organizations: the caller's own; every organization for owners of the home organization." });
documentRoute('POST /api/orgs', { summary: 'Create an organization with a Default team and an owner, who gets an invitation link (owners of the home organization only).', body: CreateOrgBody });
documentRoute('GET /api/orgs/:id', { summary: 'Show an organization.' });
documentRoute('PATCH /api/orgs/:id', { summary: 'Change the name, the 2FA requirement, the IP allowlist or whether models without a price are served under budgets (owners).', body: UpdateOrgBody });

/** /api/orgs: the caller's organization, its settings, and (for the operator) other organizations. */
export async function orgRoutes(app: FastifyInstance, deps: AccessRouteDeps): Promise<void> {
  const now = deps.now ?? Date.now;
  const invitations = new Invitations(deps.directory, { now });

  app.get('/orgs', async (req) => {
    const { actor } = accessOf(req);
    const orgs = (await isOperator(deps.directory, actor)) ? await deps.directory.listOrgs() : [await deps.directory.getOrg(actor.orgId)];
    return { object: 'list', data: orgs.filter((o): o is OrgRow => o !== undefined).map(orgView) };
  });

  app.post('/orgs', async (req, reply) => {
    const b = parseInput(CreateOrgBody, req.body);
    const { actor } = accessOf(req);
    if (!(await isOperator(deps.directory, actor))) {
      throw errors.forbidden('permission_denied', "Only owners of the home organization may perform 'orgs.create'.");
    }
    const email = parseEmailAddress(b.owner_email, 'owner_email');
    const ownerName = b.owner_name;
    if (await deps.directory.findUserByEmail(email)) throw emailInUse();
    const ctx = changeContextOf(req);
    const delivery = deps.mailer ? 'mail' : 'link';
    if (delivery === 'link') assertMayReceiveAccountLink(await callerKeyLimits(deps.keys, accessOf(req).principal));
    const created = await deps.directory
      .createOrgWithOwner({ name: b.name, ownerEmail: email, ownerName }, ctx, (t, c) =>
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
    return reply.code(201).send({
      org: orgView(created.org),
      owner: userView(created.owner),
      invitation: invitationView(current, now()),
      mailed,
      ...(link ? { invitation_url: link.url } : {}),
    });
  });

  app.get<{ Params: { id: string } }>('/orgs/:id', async (req) => {
    const { actor } = accessOf(req);
    const org = await deps.directory.getOrg(req.params.id);
    if (org && org.id === actor.orgId) {
      authorize(actor, 'org.read', { orgId: org.id });
      return orgView(org);
    }
    if (org && (await isOperator(deps.directory, actor))) return orgView(org);
    throw orgNotFound(req.params.id);
  });

  app.patch<{ Params: { id: string } }>('/orgs/:id', async (req) => {
    const b = parseInput(UpdateOrgBody, req.body);
    const { actor } = accessOf(req);
    const org = await deps.directory.getOrg(req.params.id);
    if (!org || org.id !== actor.orgId) throw orgNotFound(req.params.id);
    authorize(actor, 'org.settings.write', { orgId: org.id });
    const ipAllowlist = b.ip_allowlist === undefined || b.ip_allowlist === null ? b.ip_allowlist : checkedAllowlist(b.ip_allowlist, req.ip);
    const updated = await deps.directory.updateOrg(org.id, { name: b.name, require2fa: b.require_2fa, ipAllowlist, allowUnpricedModels: b.allow_unpriced_models }, changeContextOf(req));
    if (!updated) throw orgNotFound(req.params.id);
    return orgView(updated);
  });
}

/** The allowlist's canonical entries; 400 if an entry is invalid or if the list would shut out the caller. */
function checkedAllowlist(entries: unknown[], callerIp: string): string[] {
  const list = IpAllowlist.parse(entries, 'ip_allowlist');
  if (!list.allows(callerIp)) {
    throw errors.badRequest(
      'ip_allowlist_excludes_caller',
      `Invalid 'ip_allowlist': it does not include your own address ${callerIp}, so it would lock you out. Add a block that contains it.`,
      'ip_allowlist',
    );
  }
  return list.entries;
}

const orgNotFound = (id: string) => errors.notFound('org_not_found', `No organization with id '${id}'.`, 'id');
const emailInUse = () => conflict('email_in_use', "Invalid 'owner_email': a user with this address already exists.", 'owner_email');
