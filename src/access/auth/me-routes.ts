import { z } from 'zod';
import { fail } from '../../errors/index.ts';
import { humanName } from '../../http/index.ts';
import { defineRoute, type AnyRoute } from '../../http/index.ts';
import type { Directory } from '../directory/directory.ts';
import { orgView, OrgViewSchema, userView, UserViewSchema } from '../directory/directory-views.ts';
import { accessOf, changeContextOf, type AccessContext } from '../enforce.ts';
import type { Membership } from '../permissions/actor.ts';
import { ACCOUNT, SELF } from '../permissions/route-permissions.ts';
import { ROLES } from '../permissions/roles.ts';
import { IdParams, listOf } from '../route-schemas.ts';
import { clearSessionCookie } from '../sessions/session-cookie.ts';
import { sessionView, SessionViewSchema } from '../sessions/session-view.ts';
import { recordChange, updateAccount } from './account-changes.ts';
import type { AuthServices } from './auth-services.ts';
import { callerUser } from './caller.ts';

const UpdateMeBody = z.strictObject({ name: humanName.optional() });

/** Who the caller is: a user (with a session or a personal key) or a service key. */
const MeSchema = z.strictObject({
  object: z.literal('me'),
  via: z.enum(['key', 'session']),
  user: UserViewSchema.nullable().describe('Null for a service key'),
  key: z
    .strictObject({
      id: z.string(),
      name: z.string(),
      prefix: z.string(),
      kind: z.enum(['personal', 'service']),
      team_id: z.string().nullable(),
      role: z.enum(ROLES).nullable().describe("A service key's role in its team; null for a personal key"),
    })
    .nullable()
    .describe('The key the request came with; null with a session'),
  org: OrgViewSchema,
  org_role: z.enum(ROLES).nullable(),
  memberships: z.array(z.strictObject({ team_id: z.string(), team_name: z.string().nullable(), role: z.enum(ROLES) })),
  two_factor: z.strictObject({ enabled: z.boolean(), required_by_org: z.boolean() }),
  csrf_token: z.string().optional().describe('With a session: the token state-changing requests must carry'),
  session: SessionViewSchema.optional().describe('With a session: the current one'),
});

/** GET/PATCH /api/me, GET /api/me/sessions, DELETE /api/me/sessions/:id. */
export function meRoutes(s: AuthServices): AnyRoute[] {
  const { deps } = s;

  return [
    defineRoute({
      method: 'GET',
      path: '/api/me',
      permission: SELF,
      summary: 'Who you are: your user (or your service key), organization, team memberships, 2FA state and, with a session, its CSRF token.',
      response: MeSchema,
      handler: async ({ req, reply }) => {
        reply.header('cache-control', 'no-store');
        return describeCaller(deps.directory, accessOf(req));
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/me',
      permission: SELF,
      summary: 'Change your display name.',
      body: UpdateMeBody,
      response: z.strictObject({ user: UserViewSchema }),
      handler: async ({ body, req }) => {
        let user = await callerUser(req, deps.directory, 'Changing a profile');
        if (body.name !== undefined) {
          const name = body.name;
          if (name !== user.name) user = await updateAccount(deps.store, user.id, { name }, { action: 'user.updated', ctx: changeContextOf(req) }, s.now());
        }
        return { user: userView(user) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/me/sessions',
      permission: ACCOUNT,
      summary: 'Your active sessions (browsers signed in), the current one marked.',
      response: listOf(SessionViewSchema),
      handler: async ({ req }) => {
        const user = await callerUser(req, deps.directory, 'Listing sessions');
        const current = accessOf(req).session?.session.id;
        return { object: 'list' as const, data: (await deps.sessions.list(user.id)).map((row) => sessionView(row, current)) };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/me/sessions/:id',
      permission: ACCOUNT,
      summary: 'End one of your sessions (sign a browser out).',
      params: IdParams,
      status: 204,
      handler: async ({ params, req, reply }) => {
        const user = await callerUser(req, deps.directory, 'Ending a session');
        const row = await deps.store.db
          .selectFrom('sessions')
          .selectAll()
          .where('id', '=', params.id)
          .where('user_id', '=', user.id)
          .where('ended_at', 'is', null)
          .executeTakeFirst();
        if (!row || !(await deps.sessions.end(user.id, row.id))) throw fail('session_not_found');
        if (accessOf(req).session?.session.id === row.id) clearSessionCookie(reply);
        await recordChange(deps.store, changeContextOf(req), { action: 'session.ended', target: row.id, before: sessionView(row), after: null }, s.now());
      },
    }),
  ];
}

/** GET /api/me: the caller, whether a user (session or personal key) or a service key. */
async function describeCaller(directory: Directory, a: AccessContext): Promise<z.output<typeof MeSchema>> {
  const org = await directory.getOrg(a.actor.orgId);
  if (!org) throw fail('org_not_found', { id: a.actor.orgId }, { param: null });
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
    object: 'me',
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
