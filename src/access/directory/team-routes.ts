import { z } from 'zod';
import { fail } from '../../errors/index.ts';
import { defineRoute, type AnyRoute } from '../../http/index.ts';
import { accessOf, changeContextOf } from '../enforce.ts';
import { authorize } from '../permissions/authorize.ts';
import { visibility } from '../permissions/visibility.ts';
import type { AccessRouteDeps } from '../route-deps.ts';
import { IdParams, listOf } from '../route-schemas.ts';
import type { Directory } from './directory.ts';
import { teamView, TeamViewSchema } from './directory-views.ts';
import { EntityName, isUniqueViolation, loadTeam } from './directory-lookups.ts';
import { deleteTeam, renameTeam, setTeamRateLimits } from './team-lifecycle.ts';
import { RateLimitSettingsSchema } from '../rate-limit-settings.ts';

const TeamBody = z.strictObject({ name: EntityName });
const UpdateTeamBody = z.strictObject({ name: EntityName.optional(), rate_limits: RateLimitSettingsSchema.optional() });
const DeletedTeam = z.strictObject({ id: z.string(), object: z.literal('team'), deleted: z.literal(true) });

/** /api/teams: list, create, show, rename, delete. */
export function teamRoutes(deps: AccessRouteDeps): AnyRoute[] {
  const { directory } = deps;

  return [
    defineRoute({
      method: 'GET',
      path: '/api/teams',
      permission: 'teams.read',
      summary: 'List the teams you may read: every team for org-wide roles, else your own teams.',
      response: listOf(TeamViewSchema),
      handler: async ({ req }) => {
        const v = visibility(accessOf(req).actor, 'teams.read');
        const teams = await directory.teamsOf(v.orgId, v.all ? undefined : v.teams);
        return { object: 'list' as const, data: teams.map(teamView) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/teams',
      permission: 'teams.write',
      summary: 'Create a team (org-wide owners).',
      body: TeamBody,
      response: TeamViewSchema,
      status: 201,
      handler: async ({ body: b, req }) => {
        const { actor } = accessOf(req);
        authorize(actor, 'teams.write', { orgId: actor.orgId, teamId: null });
        await assertNameFree(directory, actor.orgId, b.name);
        const team = await directory.createTeam(actor.orgId, b.name, changeContextOf(req)).catch(nameTaken(b.name));
        return teamView(team);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/teams/:id',
      permission: 'teams.read',
      summary: 'Show a team.',
      params: IdParams,
      response: TeamViewSchema,
      handler: async ({ params, req }) => {
        const { actor } = accessOf(req);
        const team = await loadTeam(directory, actor, params.id);
        authorize(actor, 'teams.read', { orgId: team.org_id, teamId: team.id });
        return teamView(team);
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/teams/:id',
      permission: 'teams.write',
      summary: 'Rename a team or set its rate limits.',
      params: IdParams,
      body: UpdateTeamBody,
      response: TeamViewSchema,
      handler: async ({ params, body: b, req }) => {
        const { actor } = accessOf(req);
        const team = await loadTeam(directory, actor, params.id);
        authorize(actor, 'teams.write', { orgId: team.org_id, teamId: team.id });
        let current = team;
        if (b.rate_limits !== undefined) current = (await setTeamRateLimits(directory, team.id, b.rate_limits, changeContextOf(req))) ?? current;
        if (b.name === undefined || b.name === current.name) return teamView(current);
        const name = b.name;
        await assertNameFree(directory, team.org_id, name);
        const renamed = await renameTeam(directory, team.id, name, changeContextOf(req)).catch(nameTaken(name));
        return teamView(renamed ?? current);
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/teams/:id',
      permission: 'teams.write',
      summary: 'Delete an empty team (no members, live keys or budgets); its pending invitations are revoked.',
      params: IdParams,
      response: DeletedTeam,
      handler: async ({ params, req }) => {
        const { actor } = accessOf(req);
        const team = await loadTeam(directory, actor, params.id);
        authorize(actor, 'teams.write', { orgId: team.org_id, teamId: team.id });
        const result = await deleteTeam(directory, team.id, changeContextOf(req));
        if (result && 'blockedBy' in result) {
          const { members, keys, budgets } = result.blockedBy;
          throw fail('team_not_empty', { name: team.name, members, keys, budgets });
        }
        return { id: team.id, object: 'team' as const, deleted: true as const };
      },
    }),
  ];
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

const teamExists = (name: string) => fail('team_exists', { name });
