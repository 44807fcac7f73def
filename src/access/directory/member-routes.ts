import { z } from 'zod';
import { fail } from '../../errors/index.ts';
import { defineRoute, type AnyRoute } from '../../http/index.ts';
import { accessOf, changeContextOf } from '../enforce.ts';
import { authorize } from '../permissions/authorize.ts';
import { assertCanAssignRole } from '../permissions/role-assignment.ts';
import { ROLES } from '../permissions/roles.ts';
import type { AccessRouteDeps } from '../route-deps.ts';
import { IdParams, listOf, PathId } from '../route-schemas.ts';
import type { MembershipRow, UserRow } from './directory.ts';
import { membershipView, MembershipViewSchema, UserViewSchema } from './directory-views.ts';
import { loadTeam, loadUser } from './directory-lookups.ts';
import { assertMayTouch } from './role-guards.ts';

const MemberBody = z.strictObject({ role: z.enum(ROLES) });
const MemberParams = z.strictObject({ id: PathId, userId: PathId });

/** A team member as the API shows them: the membership and who it is. */
const MemberViewSchema = MembershipViewSchema.extend({
  user: UserViewSchema.pick({ id: true, email: true, name: true, status: true, org_role: true }),
});
const RemovedMember = MembershipViewSchema.extend({ deleted: z.literal(true) });

function memberView(m: MembershipRow, u: UserRow): z.output<typeof MemberViewSchema> {
  return { ...membershipView(m), user: { id: u.id, email: u.email, name: u.name, status: u.status, org_role: u.org_role } };
}

/** /api/teams/:id/members: who is in a team, with which role; changes go through the escalation rules. */
export function memberRoutes(deps: AccessRouteDeps): AnyRoute[] {
  const { directory } = deps;

  return [
    defineRoute({
      method: 'GET',
      path: '/api/teams/:id/members',
      permission: 'members.read',
      summary: "List a team's members with their roles.",
      params: IdParams,
      response: listOf(MemberViewSchema),
      handler: async ({ params, req }) => {
        const { actor } = accessOf(req);
        const team = await loadTeam(directory, actor, params.id);
        authorize(actor, 'members.read', { orgId: team.org_id, teamId: team.id });
        const members = await directory.teamMembers(team.id);
        return { object: 'list' as const, data: members.map((m) => memberView(m.membership, m.user)) };
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/api/teams/:id/members/:userId',
      permission: 'members.write',
      summary: 'Add a user of the organization to the team or change their role (escalation rules apply).',
      params: MemberParams,
      body: MemberBody,
      response: MemberViewSchema,
      handler: async ({ params, body: b, req }) => {
        const { actor } = accessOf(req);
        const team = await loadTeam(directory, actor, params.id);
        authorize(actor, 'members.write', { orgId: team.org_id, teamId: team.id });
        const user = await loadUser(directory, actor, params.userId, 'userId');
        const current = await directory.getMembership(team.id, user.id);
        assertMayTouch(actor, team, user);
        assertCanAssignRole(actor, { orgId: team.org_id, teamId: team.id }, current?.role ?? null, b.role);
        if (current?.role === b.role) return memberView(current, user);
        const membership = await directory.setMembership(team.id, user.id, b.role, changeContextOf(req));
        return memberView(membership, user);
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/teams/:id/members/:userId',
      permission: 'members.write',
      summary: 'Remove a member from the team (escalation rules apply).',
      params: MemberParams,
      response: RemovedMember,
      handler: async ({ params, req }) => {
        const { actor } = accessOf(req);
        const team = await loadTeam(directory, actor, params.id);
        authorize(actor, 'members.write', { orgId: team.org_id, teamId: team.id });
        const user = await loadUser(directory, actor, params.userId, 'userId');
        const current = await directory.getMembership(team.id, user.id);
        if (!current) throw fail('membership_not_found', { user: user.id, team: team.id });
        assertMayTouch(actor, team, user);
        assertCanAssignRole(actor, { orgId: team.org_id, teamId: team.id }, current.role, null);
        await directory.removeMembership(team.id, user.id, changeContextOf(req));
        return { ...membershipView(current), deleted: true as const };
      },
    }),
  ];
}
