import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { errors } from '../../http/errors.ts';
import { documentRoute } from '../../http/openapi/route-docs.ts';
import { parseInput } from '../../http/parse-input.ts';
import { accessOf, changeContextOf } from '../enforce.ts';
import { authorize } from '../permissions/authorize.ts';
import { assertCanAssignRole } from '../permissions/role-assignment.ts';
import { ROLES } from '../permissions/roles.ts';
import type { AccessRouteDeps } from '../route-deps.ts';
import { membershipView, type UserRow } from './directory.ts';
import { loadTeam, loadUser } from './directory-lookups.ts';
import { assertMayTouch } from './role-guards.ts';

const MemberBody = z.strictObject({ role: z.enum(ROLES) });

documentRoute('GET /api/teams/:id/members', { summary: "List a team's members with their roles." });
documentRoute('PUT /api/teams/:id/members/:userId', { summary: 'Add a user of the organization to the team or change their role (escalation rules apply).', body: MemberBody });
documentRoute('DELETE /api/teams/:id/members/:userId', { summary: 'Remove a member from the team (escalation rules apply).' });

/** A team member as the API shows them: the membership and who it is. */
function memberView(m: Parameters<typeof membershipView>[0], u: UserRow) {
  return { ...membershipView(m), user: { id: u.id, email: u.email, name: u.name, status: u.status, org_role: u.org_role } };
}

/** /api/teams/:id/members: who is in a team, with which role; changes go through the escalation rules. */
export async function memberRoutes(app: FastifyInstance, deps: AccessRouteDeps): Promise<void> {
  const { directory } = deps;

  app.get<{ Params: { id: string } }>('/teams/:id/members', async (req) => {
    const { actor } = accessOf(req);
    const team = await loadTeam(directory, actor, req.params.id);
    authorize(actor, 'members.read', { orgId: team.org_id, teamId: team.id });
    const members = await directory.teamMembers(team.id);
    return { object: 'list', data: members.map((m) => memberView(m.membership, m.user)) };
  });

  app.put<{ Params: { id: string; userId: string } }>('/teams/:id/members/:userId', async (req) => {
    const b = parseInput(MemberBody, req.body);
    const { actor } = accessOf(req);
    const team = await loadTeam(directory, actor, req.params.id);
    authorize(actor, 'members.write', { orgId: team.org_id, teamId: team.id });
    const user = await loadUser(directory, actor, req.params.userId, 'userId');
    const current = await directory.getMembership(team.id, user.id);
    assertMayTouch(actor, team, user);
    assertCanAssignRole(actor, { orgId: team.org_id, teamId: team.id }, current?.role ?? null, b.role);
    if (current?.role === b.role) return memberView(current, user);
    const membership = await directory.setMembership(team.id, user.id, b.role, changeContextOf(req));
    return memberView(membership, user);
  });

  app.delete<{ Params: { id: string; userId: string } }>('/teams/:id/members/:userId', async (req) => {
    const { actor } = accessOf(req);
    const team = await loadTeam(directory, actor, req.params.id);
    authorize(actor, 'members.write', { orgId: team.org_id, teamId: team.id });
    const user = await loadUser(directory, actor, req.params.userId, 'userId');
    const current = await directory.getMembership(team.id, user.id);
    if (!current) throw errors.notFound('membership_not_found', `User '${user.id}' is not a member of team '${team.id}'.`, 'userId');
    assertMayTouch(actor, team, user);
    assertCanAssignRole(actor, { orgId: team.org_id, teamId: team.id }, current.role, null);
    await directory.removeMembership(team.id, user.id, changeContextOf(req));
    return { ...membershipView(current), deleted: true };
  });
}
