import { z } from 'zod';
import { fail } from '../../errors/index.ts';
import { humanName } from '../../http/index.ts';
import { defineRoute, type AnyRoute } from '../../http/index.ts';
import { linkBase } from '../auth/link-base.ts';
import { issuePasswordReset } from '../auth/password-reset.ts';
import { accessOf, changeContextOf } from '../enforce.ts';
import { assertMayReceiveAccountLink, callerKeyLimits } from '../key-issuance.ts';
import { authorize } from '../permissions/authorize.ts';
import { outranks } from '../permissions/role-assignment.ts';
import { ROLES } from '../permissions/roles.ts';
import { visibility } from '../permissions/visibility.ts';
import type { AccessRouteDeps } from '../route-deps.ts';
import { IdParams, listOf } from '../route-schemas.ts';
import { actorOf, type MembershipRow, type UserRow } from './directory.ts';
import { userView, UserViewSchema } from './directory-views.ts';
import { loadUser } from './directory-lookups.ts';
import { assertCanSetOrgRole } from './role-guards.ts';

const UpdateUserBody = z.strictObject({
  name: humanName.optional(),
  org_role: z.enum(ROLES).nullable().optional(),
  status: z.enum(['active', 'disabled']).optional(),
});

/** A user with the memberships (in teams the caller may read). */
const UserWithMembershipsSchema = UserViewSchema.extend({
  memberships: z.array(z.strictObject({ team_id: z.string(), role: z.enum(ROLES) })),
});

const PasswordResetSchema = z.strictObject({
  object: z.literal('password_reset'),
  user_id: z.string(),
  expires_at: z.iso.datetime(),
  mailed: z.boolean(),
  url: z.string().optional().describe('Without mail configured: the reset link, handed to you this once'),
});

function userWithMemberships(u: UserRow, memberships: readonly MembershipRow[]): z.output<typeof UserWithMembershipsSchema> {
  return { ...userView(u), memberships: memberships.filter((m) => m.user_id === u.id).map((m) => ({ team_id: m.team_id, role: m.role })) };
}

/** /api/users: list and show users, change their name, org role and status, send password resets. */
export function userRoutes(deps: AccessRouteDeps): AnyRoute[] {
  const { directory } = deps;

  return [
    defineRoute({
      method: 'GET',
      path: '/api/users',
      permission: 'members.read',
      summary: 'List users: every user of the organization for org-wide roles, else the users of your teams and yourself.',
      response: listOf(UserWithMembershipsSchema),
      handler: async ({ req }) => {
        const { actor } = accessOf(req);
        const v = visibility(actor, 'members.read');
        const users = await directory.usersOf(actor.orgId, v.all ? undefined : { teamIds: v.teams, userId: actor.userId });
        const memberships = await directory.membershipsOf(
          users.map((u) => u.id),
          v.all ? undefined : v.teams,
        );
        return { object: 'list' as const, data: users.map((u) => userWithMemberships(u, memberships)) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/users/:id',
      permission: 'members.read',
      summary: 'Show a user with their memberships (in teams you may read).',
      params: IdParams,
      response: UserWithMembershipsSchema,
      handler: async ({ params, req }) => {
        const { actor } = accessOf(req);
        const user = await loadUser(directory, actor, params.id);
        const v = visibility(actor, 'members.read');
        const memberships = await directory.membershipsOf([user.id], v.all ? undefined : v.teams);
        if (!v.all && user.id !== actor.userId && memberships.length === 0) {
          throw fail('permission_denied', { what: "perform 'members.read' on this user" });
        }
        return userWithMemberships(user, memberships);
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/users/:id',
      permission: 'users.manage',
      summary: 'Rename, set the org-wide role of, disable or enable a user (owners).',
      params: IdParams,
      body: UpdateUserBody,
      response: UserWithMembershipsSchema,
      handler: async ({ params, body: b, req }) => {
        const { actor } = accessOf(req);
        const user = await loadUser(directory, actor, params.id);
        authorize(actor, 'users.manage', { orgId: user.org_id });
        if (b.org_role !== undefined && b.org_role !== user.org_role) assertCanSetOrgRole(actor, user.org_role, b.org_role);
        const updated = await directory.updateUser(user.id, { name: b.name, orgRole: b.org_role, status: b.status }, changeContextOf(req));
        if (!updated) throw fail('user_not_found', { id: user.id });
        if (user.status === 'active' && updated.status === 'disabled') await deps.sessions.endAll(user.id);
        const memberships = await directory.membershipsOf([user.id]);
        return userWithMemberships(updated, memberships);
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/users/:id/password-reset',
      permission: 'users.manage',
      summary: 'Issue a password-reset link for a user (owners); mailed when mail is configured.',
      params: IdParams,
      response: PasswordResetSchema,
      handler: async ({ params, req }) => {
        const { actor, principal } = accessOf(req);
        const user = await loadUser(directory, actor, params.id);
        authorize(actor, 'users.manage', { orgId: user.org_id });
        if (user.status !== 'active') throw fail('account_disabled', { param: 'id' });
        if (!deps.mailer) {
          // The link will be handed to the caller: only for an account weaker than theirs.
          assertMayReceiveAccountLink(await callerKeyLimits(deps.keys, principal));
          if (!outranks(actor, actorOf(user, await directory.memberships(user.id)))) throw fail('mail_not_configured');
        }
        const reset = await issuePasswordReset(deps, user, { origin: linkBase(deps.publicUrl, req), ctx: changeContextOf(req) });
        const shown = { object: 'password_reset' as const, user_id: user.id, expires_at: new Date(reset.expiresAt).toISOString(), mailed: reset.mailed };
        if (reset.delivery === 'link') return { ...shown, url: reset.url };
        if (!reset.mailed) {
          await reset.withdraw();
          throw fail('mail_failed', { what: 'reset link', outcome: '; nothing was sent' });
        }
        return shown;
      },
    }),
  ];
}
