import { z } from 'zod';
import { fail } from '../../errors/index.ts';
import { defineRoute, type AnyRoute } from '../../http/index.ts';
import { parseEmailAddress } from '../credentials/email-address.ts';
import { PasswordHasher } from '../credentials/password-hasher.ts';
import { StoreLoginThrottle } from '../credentials/store-login-throttle.ts';
import { Totp } from '../credentials/totp.ts';
import { TOTP_ISSUER } from '../auth/auth-services.ts';
import { accessOf, changeContextOf } from '../enforce.ts';
import { assertMayReceiveAccountLink, callerKeyLimits } from '../key-issuance.ts';
import type { Actor } from '../permissions/actor.ts';
import { authorize } from '../permissions/authorize.ts';
import { assertCanAssignRole } from '../permissions/role-assignment.ts';
import { PUBLIC } from '../permissions/route-permissions.ts';
import { ROLES, type Role } from '../permissions/roles.ts';
import { visibility } from '../permissions/visibility.ts';
import type { AccessRouteDeps } from '../route-deps.ts';
import { IdParams, listOf } from '../route-schemas.ts';
import { presentedSessionToken, setSessionCookie } from '../sessions/session-cookie.ts';
import type { TeamRow } from './directory.ts';
import { membershipView, MembershipViewSchema, userView, UserViewSchema } from './directory-views.ts';
import { Id, isOperator, loadTeam } from './directory-lookups.ts';
import { acceptInvitation } from './invitation-acceptance.ts';
import { deliverInvitation, invitationUrl } from './invitation-mail.ts';
import { INVITATION_MAX_DAYS, Invitations, invitationView, InvitationViewSchema } from './invitations.ts';
import { assertMayTouch } from './role-guards.ts';

const CreateInvitationBody = z.strictObject({
  email: z.string(),
  team_id: Id,
  role: z.enum(ROLES),
  expires_in_days: z.number().int().min(1).max(INVITATION_MAX_DAYS).optional(),
});
const ListQuery = z.strictObject({
  team_id: Id.optional(),
  status: z.enum(['pending', 'accepted', 'revoked', 'expired']).optional(),
  limit: z.coerce.number({ error: 'expected an integer from 1 to 1000' }).int({ error: 'expected an integer from 1 to 1000' }).min(1, { error: 'expected an integer from 1 to 1000' }).max(1000, { error: 'expected an integer from 1 to 1000' }).optional(),
});
const Token = z.string().min(1).max(200);
const PreviewQuery = z.strictObject({ token: Token });
const AcceptBody = z.strictObject({ token: Token, name: z.string().optional(), password: z.string().max(10_000), totp_code: z.string().min(1).max(32).optional() });

const CreatedInvitationSchema = z.strictObject({
  invitation: InvitationViewSchema,
  mailed: z.boolean(),
  url: z.string().optional().describe('Without mail configured: the link to pass on, shown this once'),
  token: z.string().optional().describe('Without mail configured: the token in the link, shown this once'),
});
const InvitationPreviewSchema = z.strictObject({
  object: z.literal('invitation_preview'),
  org_name: z.string().nullable(),
  team_name: z.string().nullable(),
  email: z.string(),
  role: z.enum(ROLES),
  expires_at: z.iso.datetime(),
  account: z.enum(['new', 'existing', 'first_password']).describe('`new`: choose a name and a password; `existing`: give your password; `first_password`: choose a password'),
});
const AcceptedSchema = z.strictObject({ user: UserViewSchema, membership: MembershipViewSchema, csrf_token: z.string() });

/** Invitations: create, list, revoke; and the public preview and acceptance of a link. */
export function invitationRoutes(deps: AccessRouteDeps): AnyRoute[] {
  const { directory } = deps;
  const now = deps.now ?? Date.now;
  const invitations = new Invitations(directory, { now });
  const hasher = new PasswordHasher();
  const totp = new Totp({ issuer: TOTP_ISSUER, now });
  const throttle = deps.loginThrottle ?? new StoreLoginThrottle(deps.store, { now });

  return [
    defineRoute({
      method: 'POST',
      path: '/api/invitations',
      permission: 'users.invite',
      summary: 'Invite someone into a team with a role; returns the link (with its token) once and mails it when mail is configured.',
      body: CreateInvitationBody,
      response: CreatedInvitationSchema,
      status: 201,
      handler: async ({ body: b, req }) => {
        const { actor, principal } = accessOf(req);
        const email = parseEmailAddress(b.email, 'email');
        const team = (await unclaimedOrgTeam(deps, actor, b.team_id, email, b.role)) ?? (await vetInvitation(deps, actor, b.team_id, email, b.role));
        const delivery = deps.mailer ? 'mail' : 'link';
        if (delivery === 'link') assertMayReceiveAccountLink(await callerKeyLimits(deps.keys, principal));
        const ctx = { ...changeContextOf(req), orgId: team.org_id };
        const created = await invitations.create({ orgId: team.org_id, teamId: team.id, email, role: b.role, invitedBy: actor.userId, days: b.expires_in_days, delivery }, ctx);
        const url = invitationUrl(req, deps.publicUrl, created.token);
        const org = await directory.getOrg(team.org_id);
        const letter = { to: email, orgName: org?.name ?? '', teamName: team.name, role: b.role, url, expiresAt: created.invitation.expires_at };
        const { mailed, link } = await deliverInvitation(deps, invitations, created, letter, ctx);
        if (delivery === 'mail' && !mailed) throw fail('mail_failed', { what: 'invitation', outcome: ', so it was withdrawn' });
        return { invitation: invitationView(created.invitation, now()), mailed, ...link };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/invitations',
      permission: 'members.read',
      summary: 'List invitations of the teams whose members you may read.',
      query: ListQuery,
      response: listOf(InvitationViewSchema),
      handler: async ({ query: q, req }) => {
        const { actor } = accessOf(req);
        if (q.team_id !== undefined) {
          const team = await loadTeam(directory, actor, q.team_id, 'team_id');
          authorize(actor, 'members.read', { orgId: team.org_id, teamId: team.id });
        }
        const v = visibility(actor, 'members.read');
        const rows = await invitations.list(actor.orgId, v.all ? 'all' : v.teams, { teamId: q.team_id, status: q.status, limit: q.limit });
        return { object: 'list' as const, data: rows.map((r) => invitationView(r, now())) };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/invitations/:id',
      permission: 'users.invite',
      summary: 'Revoke an invitation: its link stops working.',
      params: IdParams,
      response: InvitationViewSchema,
      handler: async ({ params, req }) => {
        const { actor } = accessOf(req);
        const found = await invitations.get(params.id);
        if (!found || found.org_id !== actor.orgId) throw fail('invitation_not_found', { id: params.id });
        const target = { orgId: found.org_id, teamId: found.team_id };
        authorize(actor, 'users.invite', target);
        assertCanAssignRole(actor, target, null, found.role);
        if (found.accepted_at !== null) throw fail('invitation_accepted');
        const revoked = await invitations.revoke(found.id, changeContextOf(req));
        return invitationView(revoked ?? found, now());
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/invitations/accept',
      permission: PUBLIC,
      summary: 'What an invitation link is for (organization, team, email, role, expiry); public.',
      query: PreviewQuery,
      response: InvitationPreviewSchema,
      handler: async ({ query: q }) => {
        const invitation = await invitations.findPending(q.token);
        if (!invitation) throw fail('invitation_link_not_found');
        const [org, team, existing] = await Promise.all([directory.getOrg(invitation.org_id), directory.getTeam(invitation.team_id), directory.findUserByEmail(invitation.email)]);
        return {
          object: 'invitation_preview' as const,
          org_name: org?.name ?? null,
          team_name: team?.name ?? null,
          email: invitation.email,
          role: invitation.role,
          expires_at: new Date(invitation.expires_at).toISOString(),
          // An account of another organization is not revealed here; accepting tells the invitee (409 email_in_use).
          account: !existing || existing.org_id !== invitation.org_id ? 'new' : existing.password_hash === null && existing.sso_issuer === null ? 'first_password' : 'existing',
        };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/invitations/accept',
      permission: PUBLIC,
      summary: 'Accept an invitation: creates the account (or checks its password and second factor), joins the team, signs in; public.',
      body: AcceptBody,
      response: AcceptedSchema,
      handler: async ({ body: b, req, reply }) => {
        const { user, membership } = await acceptInvitation({ directory, invitations, hasher, totp, throttle, now }, b, { requestId: req.id, ip: req.ip });
        const { token, session } = await deps.sessions.start(user.id, {
          ip: req.ip,
          userAgent: req.headers['user-agent'],
          method: 'invitation',
          replacing: presentedSessionToken(req),
        });
        setSessionCookie(req, reply, token, deps.secureCookies);
        return { user: userView(user), membership: membershipView(membership), csrf_token: session.csrf_token };
      },
    }),
  ];
}

/** The team to invite into, once the actor may invite there with that role (404 / 403 / 409 otherwise). */
async function vetInvitation(deps: AccessRouteDeps, actor: Actor, teamId: string, email: string, role: Role): Promise<TeamRow> {
  const team = await loadTeam(deps.directory, actor, teamId, 'team_id');
  authorize(actor, 'users.invite', { orgId: team.org_id, teamId: team.id });
  const currentRole = await vetInvitee(deps, actor, team, email);
  assertCanAssignRole(actor, { orgId: team.org_id, teamId: team.id }, currentRole, role);
  return team;
}

/**
 * The one way into another organization: the operator (an owner of the home organization) may
 * invite again, as `owner`, the owner they created with POST /api/orgs, while nobody in that
 * organization has a password or SSO yet (the first link expired or was lost). Undefined otherwise.
 */
async function unclaimedOrgTeam(deps: AccessRouteDeps, actor: Actor, teamId: string, email: string, role: Role): Promise<TeamRow | undefined> {
  if (role !== 'owner') return undefined;
  const team = await deps.directory.getTeam(teamId);
  if (!team || team.org_id === actor.orgId || !(await isOperator(deps.directory, actor))) return undefined;
  const owner = await deps.directory.findUserByEmail(email);
  if (!owner || owner.org_id !== team.org_id || owner.org_role !== 'owner' || owner.status !== 'active') return undefined;
  const claimed = await deps.store.db
    .selectFrom('users')
    .select('id')
    .where('org_id', '=', team.org_id)
    .where((eb) => eb.or([eb('password_hash', 'is not', null), eb('sso_issuer', 'is not', null)]))
    .limit(1)
    .executeTakeFirst();
  return claimed ? undefined : team;
}

/**
 * Checks an invitee who already has an account in the team's organization and returns their
 * current role in the team (null if none or if the address is unknown here); a disabled or single-sign-on
 * account is refused; an owner or auditor is out of an admin's reach; and an account without any
 * credential (the invitation would set its first password) needs `users.manage`, the power to send
 * it a password reset anyway.
 */
async function vetInvitee(deps: AccessRouteDeps, actor: Actor, team: TeamRow, email: string) {
  const user = await deps.directory.findUserByEmail(email);
  // An account of another organization is not told apart from no account: that is for the
  // invitee to learn when accepting, not for the inviter (issue 8.11).
  if (!user || user.org_id !== team.org_id) return null;
  if (user.status !== 'active') throw fail('account_disabled', { param: 'email' });
  if (user.password_hash === null && user.sso_issuer !== null) {
    throw fail('sso_account', { remedy: `add it to the team with PUT /api/teams/${team.id}/members/${user.id}` }, { param: 'email' });
  }
  assertMayTouch(actor, team, user);
  if (user.password_hash === null) authorize(actor, 'users.manage', { orgId: team.org_id });
  return (await deps.directory.getMembership(team.id, user.id))?.role ?? null;
}
