import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { errors } from '../../http/errors.ts';
import { humanName } from '../../http/human-name.ts';
import { documentRoute } from '../../http/openapi/route-docs.ts';
import { parseInput } from '../../http/parse-input.ts';
import { orgView, userView, type Directory } from '../directory/directory.ts';
import { accessOf, changeContextOf, type AccessContext } from '../enforce.ts';
import type { Membership } from '../permissions/actor.ts';
import { clearSessionCookie } from '../sessions/session-cookie.ts';
import { sessionView } from '../sessions/session-service.ts';
import { recordChange, updateAccount } from './account-changes.ts';
import type { AuthServices } from './auth-services.ts';
import { callerUser } from './caller.ts';

const UpdateMeBody = z.strictObject({ name: humanName.optional() });

documentRoute('GET /api/me', { summary: 'Who you are: your user (or your service key), organization, team memberships, 2FA state and, with a session, its CSRF token.' });
documentRoute('PATCH /api/me', { summary: 'Change your display name.', body: UpdateMeBody });
documentRoute('GET /api/me/sessions', { summary: 'Your active sessions (browsers signed in), the current one marked.' });
documentRoute('DELETE /api/me/sessions/:id', { summary: 'End one of your sessions (sign a browser out).' });

/** GET/PATCH /me, GET /me/sessions, DELETE /me/sessions/:id. */
export function meRoutes(app: FastifyInstance, s: AuthServices): void {
  const { deps } = s;

  app.get('/me', async (req, reply) => {
    reply.header('cache-control', 'no-store');
    return describeCaller(deps.directory, accessOf(req));
  });

  app.patch('/me', async (req) => {
    const body = parseInput(UpdateMeBody, req.body);
    let user = await callerUser(req, deps.directory, 'Changing a profile');
    if (body.name !== undefined) {
      const name = body.name;
      if (name !== user.name) user = await updateAccount(deps.store, user.id, { name }, { action: 'user.updated', ctx: changeContextOf(req) }, s.now());
    }
    return { user: userView(user) };
  });

  app.get('/me/sessions', async (req) => {
    const user = await callerUser(req, deps.directory, 'Listing sessions');
    const current = accessOf(req).session?.session.id;
    return { object: 'list', data: (await deps.sessions.list(user.id)).map((row) => sessionView(row, current)) };
  });

  app.delete<{ Params: { id: string } }>('/me/sessions/:id', async (req, reply) => {
    const user = await callerUser(req, deps.directory, 'Ending a session');
    const row = await deps.store.db
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', req.params.id)
      .where('user_id', '=', user.id)
      .where('ended_at', 'is', null)
      .executeTakeFirst();
    if (!row || !(await deps.sessions.end(user.id, row.id))) {
      throw errors.notFound('session_not_found', 'You have no active session with this id.', 'id');
    }
    if (accessOf(req).session?.session.id === row.id) clearSessionCookie(reply);
    await recordChange(deps.store, changeContextOf(req), { action: 'session.ended', target: row.id, before: sessionView(row), after: null }, s.now());
    return reply.code(204).send();
  });
}

/** GET /api/me: the caller, whether a user (session or personal key) or a service key. */
async function describeCaller(directory: Directory, a: AccessContext) {
  const org = await directory.getOrg(a.actor.orgId);
  if (!org) throw errors.notFound('org_not_found', 'Your organization no longer exists.');
  const requiredByOrg = org.require_2fa === 1;
  const userId = a.session?.user.id ?? a.principal?.userId ?? null;
  const user = a.session?.user ?? (userId === null ? undefined : await directory.getUser(userId));
  const memberships = await withTeamNames(directory, a.actor.memberships);
  const key = a.principal && {
    id: a.principal.keyId,
    name: a.principal.name,
    prefix: a.principal.keyPrefix,
    kind: a.principal.userId === null ? ('service' as const) : ('personal' as const),
    team_id: a.principal.teamId,
    role: a.principal.userId === null ? (a.actor.memberships[0]?.role ?? null) : null,
  };
  return {
    object: 'me' as const,
    via: a.via,
    user: user ? userView(user) : null,
    key,
    org: orgView(org),
    org_role: a.actor.orgRole ?? null,
    memberships,
    two_factor: { enabled: user?.totp_enabled_at != null, required_by_org: requiredByOrg },
    ...(a.session ? { csrf_token: a.session.session.csrf_token, session: sessionView(a.session.session, a.session.session.id) } : {}),
  };
}

async function withTeamNames(directory: Directory, memberships: readonly Membership[]) {
  const ids = memberships.map((m) => m.teamId);
  const teams = ids.length === 0 ? [] : await directory.db.selectFrom('teams').select(['id', 'name']).where('id', 'in', ids).execute();
  const names = new Map(teams.map((t) => [t.id, t.name]));
  return memberships.map((m) => ({ team_id: m.teamId, team_name: names.get(m.teamId) ?? null, role: m.role }));
}
