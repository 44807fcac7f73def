import assert from 'node:assert/strict';
import type { RoleName } from '../../../src/state/schema-access.ts';
import { PasswordHasher } from '../../../src/access/credentials/password-hasher.ts';
import { Totp } from '../../../src/access/credentials/totp.ts';
import type { UserRow } from '../../../src/access/directory/directory.ts';
import type { TestGateway } from '../../support/gateway.ts';

const hasher = new PasswordHasher();
let counter = 0;

/** A password that passes the policy, unique per call so log scans can look for it. */
export function newPassword(): string {
  counter++;
  return `correct-horse-${counter}-${Math.random().toString(36).slice(2, 10)}`;
}

export interface TestUser {
  user: UserRow;
  email: string;
  password: string;
}

/** Creates a user in the home org (a member of its Default team by default) with a password, through the Directory. */
export async function createUser(
  gw: TestGateway,
  options: { email?: string; password?: string | null; teamRole?: RoleName | null; orgRole?: RoleName } = {},
): Promise<TestUser> {
  counter++;
  const email = options.email ?? `user${counter}-${Date.now()}@example.com`;
  const password = options.password === undefined ? newPassword() : options.password;
  const { org, defaultTeam } = gw.tg.home;
  const ctx = { actorId: 'system', orgId: org.id };
  const user = await gw.tg.directory.createUser(
    { orgId: org.id, email, name: `User ${counter}`, orgRole: options.orgRole ?? null, passwordHash: password === null ? null : await hasher.hash(password) },
    ctx,
  );
  const teamRole = options.teamRole === undefined ? 'member' : options.teamRole;
  if (teamRole !== null) await gw.tg.directory.setMembership(defaultTeam.id, user.id, teamRole, ctx);
  return { user, email, password: password ?? '' };
}

/** A browser's state after sign-in: the cookie value and the CSRF token. */
export interface Session {
  cookie: string;
  csrf: string;
  body: SignInBody;
}

export interface SignInBody {
  user: { id: string; email: string; totp_enabled: boolean };
  csrf_token: string;
  session: { id: string; method: string; current: boolean };
}

/** POST /api/auth/sign-in without a key. */
export function postSignIn(gw: TestGateway, body: Record<string, unknown>, cookie?: string): Promise<Response> {
  return gw.call('/api/auth/sign-in', { key: null, body, ...(cookie ? { headers: { cookie: `tg_session=${cookie}` } } : {}) });
}

/** Signs in and returns the session; fails the test if sign-in does not succeed. */
export async function signIn(gw: TestGateway, email: string, password: string, extra: Record<string, unknown> = {}): Promise<Session> {
  const res = await postSignIn(gw, { email, password, ...extra });
  assert.equal(res.status, 200, await res.clone().text());
  const cookie = sessionCookie(res);
  assert.ok(cookie, 'sign-in sets the session cookie');
  const body = (await res.json()) as SignInBody;
  return { cookie, csrf: body.csrf_token, body };
}

/** The tg_session value a response sets, if any (an empty string when it clears it). */
export function sessionCookie(res: Response): string | undefined {
  const line = res.headers.getSetCookie().find((l) => l.startsWith('tg_session='));
  return line?.slice('tg_session='.length).split(';')[0];
}

/** The raw Set-Cookie line for tg_session. */
export function sessionCookieLine(res: Response): string | undefined {
  return res.headers.getSetCookie().find((l) => l.startsWith('tg_session='));
}

/** A request made like the web app does: the session cookie, and the CSRF header unless `csrf: false`. */
export function withSession(
  gw: TestGateway,
  session: Pick<Session, 'cookie' | 'csrf'>,
  path: string,
  init: { method?: string; body?: unknown; csrf?: boolean | string } = {},
): Promise<Response> {
  const headers: Record<string, string> = { cookie: `tg_session=${session.cookie}` };
  if (init.csrf !== false) headers['x-csrf-token'] = typeof init.csrf === 'string' ? init.csrf : session.csrf;
  return gw.call(path, { key: null, headers, ...(init.method ? { method: init.method } : {}), ...(init.body === undefined ? {} : { body: init.body }) });
}

export { expectError, type ErrorBody } from '../../support/errors.ts';

const STEP_MS = 30_000;

/**
 * A TOTP code the server will accept next for this user: of the step after the last accepted one,
 * and not before the current step (waits when that step is still too far ahead).
 */
export async function nextTotpCode(gw: TestGateway, userId: string, secret: string): Promise<string> {
  const row = await gw.tg.store.db.selectFrom('users').select('totp_last_step').where('id', '=', userId).executeTakeFirstOrThrow();
  const current = Math.floor(Date.now() / STEP_MS);
  const step = Math.max(row.totp_last_step === null ? current : Number(row.totp_last_step) + 1, current);
  const waitMs = (step - 1) * STEP_MS - Date.now();
  if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs + 50));
  return totpAt(secret, step);
}

/** The code of one time step. */
export function totpAt(secret: string, step: number): string {
  return new Totp({ issuer: 'test', now: () => step * STEP_MS + 1 }).generate(secret);
}

/** Every audit row's text, to check for secrets. */
export async function auditText(gw: TestGateway): Promise<string> {
  const rows = await gw.tg.store.db.selectFrom('audit_events').selectAll().execute();
  return JSON.stringify(rows);
}

/** Asserts none of `secrets` appears in the gateway's logs or audit rows. */
export async function assertNoSecrets(gw: TestGateway, secrets: readonly string[]): Promise<void> {
  const logs = gw.logs.join('\n');
  const audit = await auditText(gw);
  for (const secret of secrets) {
    assert.ok(!logs.includes(secret), `a secret appears in the logs: ${secret.slice(0, 6)}…`);
    assert.ok(!audit.includes(secret), `a secret appears in an audit row: ${secret.slice(0, 6)}…`);
  }
}
