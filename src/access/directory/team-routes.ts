import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { documentRoute } from '../../http/openapi/route-docs.ts';
import { parseInput } from '../../http/parse-input.ts';
import { accessOf, changeContextOf } from '../enforce.ts';
import { authorize } from '../permissions/authorize.ts';
import { visibility } from '../permissions/visibility.ts';
import type { AccessRouteDeps } from '../route-deps.ts';
import { teamView, type Directory } from './directory.ts';
import { conflict, EntityName, isUniqueViolation, loadTeam } from './directory-lookups.ts';
import { deleteTeam, renameTeam } from './team-lifecycle.ts';

const TeamBody = z.strictObject({ name: EntityName });

documentRoute('GET /api/teams', { summary: 'List the teams you may read: every team for org-wide roles, else your own teams.' });
documentRoute('POST /api/teams', { summary: 'Create a team (org-wide owners).', body: TeamBody });
documentRoute('GET /api/teams/:id', { summary: 'Show a team.' });
documentRoute('PATCH /api/teams/:id', { summary: 'Rename a team.', body: TeamBody });
documentRoute('DELETE /api/teams/:id', { summary: 'Delete an empty team (no members, live keys or budgets); its pending invitations are revoked.' });

/** /api/teams: list, create, show, rename, delete. */
export async function teamRoutes(app: FastifyInstance, deps: AccessRouteDeps): Promise<void> {
  const { directory } = deps;

  app.get('/teams', async (req) => {
    const v = visibility(accessOf(req).actor, 'teams.read');
    const teams = await directory.teamsOf(v.orgId, v.all ? undefined : v.teams);
    return { object: 'list', data: teams.map(teamView) };
  });

  app.post('/teams', async (req, reply) => {
    const b = parseInput(TeamBody, req.body);
    const { actor } = accessOf(req);
    authorize(actor, 'teams.write', { orgId: actor.orgId, teamId: null });
    await assertNameFree(directory, actor.orgId, b.name);
    const team = await directory.createTeam(actor.orgId, b.name, changeContextOf(req)).catch(nameTaken(b.name));
    return reply.code(201).send(teamView(team));
  });

  app.get<{ Params: { id: string } }>('/teams/:id', async (req) => {
    const { actor } = accessOf(req);
    const team = await loadTeam(directory, actor, req.params.id);
    authorize(actor, 'teams.read', { orgId: team.org_id, teamId: team.id });
    return teamView(team);
  });

  app.patch<{ Params: { id: string } }>('/teams/:id', async (req) => {
    const b = parseInput(TeamBody, req.body);
    const { actor } = accessOf(req);
    const team = await loadTeam(directory, actor, req.params.id);
    authorize(actor, 'teams.write', { orgId: team.org_id, teamId: team.id });
    if (b.name === team.name) return teamView(team);
    await assertNameFree(directory, team.org_id, b.name);
    const renamed = await renameTeam(directory, team.id, b.name, changeContextOf(req)).catch(nameTaken(b.name));
    return teamView(renamed ?? team);
  });

  app.delete<{ Params: { id: string } }>('/teams/:id', async (req) => {
    const { actor } = accessOf(req);
    const team = await loadTeam(directory, actor, req.params.id);
    authorize(actor, 'teams.write', { orgId: team.org_id, teamId: team.id });
    const result = await deleteTeam(directory, team.id, changeContextOf(req));
    if (result && 'blockedBy' in result) {
      const { members, keys, budgets } = result.blockedBy;
      throw conflict(
        'team_not_empty',
        `Team '${team.name}' still has ${members} member(s), ${keys} live key(s) and ${budgets} budget(s): remove the members, revoke the keys and delete the budgets first.`,
        'id',
      );
    }
    return { id: team.id, object: 'team', deleted: true };
  });
}

async function assertNameFree(directory: Directory, orgId: string, name: string): Promise<void> {
  if (await directory.findTeamByName(orgId, name)) throw teamExists(name);
}

/** Maps a unique violation (two requests racing for one name) to 409 `team_exists`. */
function nameTaken(name: string) {
  return (err: unknown): never => {
    throw isUniqueViolation(err) ? teamExists(name) : err;
  };
}

const teamExists = (name: string) => conflict('team_exists', `Invalid 'name': a team named '${name}' already exists in this organization.`, 'name');
