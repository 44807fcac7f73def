import assert from 'node:assert/strict';
import type { TestGateway } from '../../support/gateway.ts';

/** A signed-in browser: the session cookie and its CSRF token. */
export interface Session {
  cookie: string;
  csrf: string;
  userId: string;
  email: string;
}

/** Who calls: a key secret or a session. */
export type Caller = string | Session;

export const PASSWORD = 'correct horse battery staple';

/** fetch against Tollgate as a key or a session (cookie plus `x-csrf-token`). */
export function as(gw: TestGateway, caller: Caller, path: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
  if (typeof caller === 'string') return gw.call(path, { ...init, key: caller });
  return gw.call(path, { ...init, key: null, headers: { cookie: `tg_session=${caller.cookie}`, 'x-csrf-token': caller.csrf } });
}

/** Calls and parses JSON, asserting the status. */
export async function expectJson<T = any>(res: Response | Promise<Response>, status: number, why?: string): Promise<T> {
  const r = await res;
  const text = await r.text();
  assert.equal(r.status, status, `${why ? `${why}: ` : ''}expected ${status}, got ${r.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export { expectError } from '../../support/errors.ts';

export interface Invited {
  token: string;
  url: string;
  invitation: { id: string; email: string; role: string; team_id: string; status: string };
}

/** POST /api/invitations as `caller` (201 expected). */
export async function invite(gw: TestGateway, caller: Caller, body: { email: string; team_id: string; role: string; expires_in_days?: number }): Promise<Invited> {
  return expectJson<Invited>(as(gw, caller, '/api/invitations', { body }), 201);
}

/** POST /api/invitations/accept; returns the session it started. */
export async function accept(gw: TestGateway, token: string, body: { name?: string; password?: string } = {}): Promise<Session> {
  const res = await gw.call('/api/invitations/accept', { key: null, body: { token, name: body.name ?? 'Someone', password: body.password ?? PASSWORD } });
  const json = await expectJson<{ user: { id: string; email: string }; csrf_token: string }>(res, 200);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('tg_session='));
  assert.ok(cookie, 'acceptance sets the session cookie');
  assert.match(cookie, /HttpOnly/i);
  return { cookie: cookie.split(';')[0]!.slice('tg_session='.length), csrf: json.csrf_token, userId: json.user.id, email: json.user.email };
}

/** Invites `email` into a team with a role and accepts: a signed-in user. */
export async function join(gw: TestGateway, inviter: Caller, email: string, teamId: string, role: string, name = 'Someone'): Promise<Session> {
  const { token } = await invite(gw, inviter, { email, team_id: teamId, role });
  return accept(gw, token, { name });
}

/** POST /api/teams as `caller`; returns the team id. */
export async function createTeam(gw: TestGateway, caller: Caller, name: string): Promise<string> {
  return (await expectJson<{ id: string }>(as(gw, caller, '/api/teams', { body: { name } }), 201)).id;
}

/** The change records of an action, oldest first, read from the audit_events table. */
export async function changeRecords(gw: TestGateway, action: string, target?: string) {
  let q = gw.tg.store.db.selectFrom('audit_events').selectAll().where('action', '=', action);
  if (target !== undefined) q = q.where('target', '=', target);
  const rows = await q.orderBy('at').execute();
  return rows.map((r) => ({ ...r, before: r.before === null ? null : JSON.parse(r.before), after: r.after === null ? null : JSON.parse(r.after) }));
}
