import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { errors, TollgateError } from '../../http/errors.ts';
import { humanName } from '../../http/human-name.ts';
import { documentRoute } from '../../http/openapi/route-docs.ts';
import { parseInput } from '../../http/parse-input.ts';
import { linkBase } from '../auth/link-base.ts';
import { issuePasswordReset } from '../auth/password-reset.ts';
import { accessOf, changeContextOf } from '../enforce.ts';
import { assertMayReceiveAccountLink, callerKeyLimits } from '../key-issuance.ts';
import { authorize } from '../permissions/authorize.ts';
import { outranks } from '../permissions/role-assignment.ts';
import { ROLES } from '../permissions/roles.ts';
import { visibility } from '../permissions/visibility.ts';
import type { AccessRouteDeps } from '../route-deps.ts';
import { actorOf, userView, type MembershipRow, type UserRow } from './directory.ts';
import { conflict, loadUser } from './directory-lookups.ts';
import { assertCanSetOrgRole } from './role-guards.ts';

const UpdateUserBody = z.strictObject({
  name: humanName.optional(),
  org_role: z.enum(ROLES).nullable().optional(),
  status: z.enum(['active', 'disabled']).optional(),
});

documentRoute('GET /api/users', { summary: 'List users: every user of the organization for org-wide roles, else the users of your teams and yourself.' });
documentRoute('GET /api/users/:id', { summary: 'Show a user with their memberships (in teams you may read).' });
documentRoute('PATCH /api/users/:id', { summary: 'Rename, set the org-wide role of, disable or enable a user (owners).', body: UpdateUserBody });
documentRoute('POST /api/users/:id/password-reset', { summary: 'Issue a password-reset link for a user (owners); mailed when mail is configured.' });

/** A user with the memberships the caller may see. */
function userWithMemberships(u: UserRow, memberships: readonly MembershipRow[]) {
  return { ...userView(u), memberships: memberships.filter((m) => m.user_id === u.id).map((m) => ({ team_id: m.team_id, role: m.role })) };
}

/** /api/users: list and show users, change their name, org role and status, send password resets. */
export async function userRoutes(app: FastifyInstance, deps: AccessRouteDeps): Promise<void> {
  const { directory } = deps;

  app.get('/users', async (req) => {
    const { actor } = accessOf(req);
    const v = visibility(actor, 'members.read');
    const users = await directory.usersOf(actor.orgId, v.all ? undefined : { teamIds: v.teams, userId: actor.userId });
    const memberships = await directory.membershipsOf(users.map((u) => u.id), v.all ? undefined : v.teams);
    return { object: 'list', data: users.map((u) => userWithMemberships(u, memberships)) };
  });

  app.get<{ Params: { id: string } }>('/users/:id', async (req) => {
    const { actor } = accessOf(req);
    const user = await loadUser(directory, actor, req.params.id);
    const v = visibility(actor, 'members.read');
    const memberships = await directory.membershipsOf([user.id], v.all ? undefined : v.teams);
    if (!v.all && user.id !== actor.userId && memberships.length === 0) {
      throw errors.forbidden('permission_denied', "You do not have permission to perform 'members.read' on this user.");
    }
    return userWithMemberships(user, memberships);
  });

  app.patch<{ Params: { id: string } }>('/users/:id', async (req) => {
    const b = parseInput(UpdateUserBody, req.body);
    const { actor } = accessOf(req);
    const user = await loadUser(directory, actor, req.params.id);
    authorize(actor, 'users.manage', { orgId: user.org_id });
    if (b.org_role !== undefined && b.org_role !== user.org_role) assertCanSetOrgRole(actor, user.org_role, b.org_role);
    const updated = await directory.updateUser(user.id, { name: b.name, orgRole: b.org_role, status: b.status }, changeContextOf(req));
    if (!updated) throw errors.notFound('user_not_found', `No user with id '${user.id}'.`, 'id');
    if (user.status === 'active' && updated.status === 'disabled') await deps.sessions.endAll(user.id);
    const memberships = await directory.membershipsOf([user.id]);
    return userWithMemberships(updated, memberships);
  });

  app.post<{ Params: { id: string } }>('/users/:id/password-reset', async (req) => {
    const { actor, principal } = accessOf(req);
    const user = await loadUser(directory, actor, req.params.id);
    authorize(actor, 'users.manage', { orgId: user.org_id });
    if (user.status !== 'active') throw errors.badRequest('user_disabled', 'This user is disabled: enable them before sending a password reset.', 'id');
    if (!deps.mailer) {
      // The link will be handed to the caller: only for an account weaker than theirs.
      assertMayReceiveAccountLink(await callerKeyLimits(deps.keys, principal));
      if (!outranks(actor, actorOf(user, await directory.memberships(user.id)))) throw noHandOver();
    }
    const reset = await issuePasswordReset(deps, user, { origin: linkBase(deps.publicUrl, req), ctx: changeContextOf(req) });
    const shown = { object: 'password_reset', user_id: user.id, expires_at: new Date(reset.expiresAt).toISOString(), mailed: reset.mailed };
    if (reset.delivery === 'link') return { ...shown, url: reset.url };
    if (!reset.mailed) {
      await reset.withdraw();
      throw new TollgateError('mail_failed', 'The reset link could not be mailed (see the server log); nothing was sent. Try again later.', { status: 502, type: 'api_error' });
    }
    return shown;
  });
}

/** 409: without mail, a reset link would be handed to a peer (another owner) or to the caller themselves. */
function noHandOver() {
  return conflict(
    'mail_not_configured',
    "No mail is configured, so the reset link would be handed to you; that is allowed only for an account ranked below yours. Set TOLLGATE_SMTP_URL, or on the server run 'tollgate users set-password <email>'. To change your own password, sign in and use POST /api/me/password.",
    'id',
  );
}
