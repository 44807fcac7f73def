import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { fail } from '../errors/index.ts';
import type { ChangeContext } from './change-record.ts';
import { constantTimeEqual } from './credentials/constant-time.ts';
import type { Directory, UserRow } from './directory/directory.ts';
import { endpointScopeOf, type EndpointScope } from './key-scopes.ts';
import type { KeyService } from './key-service.ts';
import { admitKeyUse } from './key-admission.ts';
import { IpAllowlist } from './network/index.ts';
import type { Action } from './permissions/actions.ts';
import { roleSources, type Actor } from './permissions/actor.ts';
import { PERMISSION_MATRIX } from './permissions/matrix.ts';
import { ACCOUNT, isRouteRule, isSelfRule, PUBLIC, type RouteRule } from './permissions/route-permissions.ts';
import type { Principal } from './principal.ts';
import { CSRF_HEADER, SESSION_COOKIE, type ActiveSession, type SessionService } from './sessions/session-service.ts';

/** What the access layer decided about a request's caller. */
export interface AccessContext {
  actor: Actor;
  via: 'key' | 'session';
  /** The key, when the caller used one. */
  principal: Principal | null;
  /** The session and its user, when the caller used a session cookie. */
  session: ActiveSession | null;
}

/** What a route requires, decided once when the route is registered. */
export interface RouteAccess {
  rule: RouteRule;
  scope: EndpointScope | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    access: AccessContext | null;
  }
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

export interface AccessDeps {
  keys: KeyService;
  sessions: SessionService;
  directory: Directory;
  /**
   * Counts a request to a public /api route (sign-in, password reset, invitations, SSO) against its
   * address; resolves the seconds to wait when the address is over its limit, else undefined.
   */
  publicLimit?: ((req: FastifyRequest) => Promise<number | undefined>) | undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The enforcement point of the /api routes (the gateway pipeline authenticates /v1 itself). Every route declares its permission (registering an undeclared
 * route throws at start-up: fail closed). Each request is authenticated (a key, or on /api a session
 * cookie with a CSRF token on state-changing methods), checked against IP allowlists, endpoint
 * scopes and the org's 2FA policy, and refused with 403 when no role of the caller grants the
 * route's action at all. Handlers then check the concrete target with `authorize` or list with
 * `visibility`, so a team's things stay invisible to other teams.
 */
export function installAccessControl(app: FastifyInstance, deps: AccessDeps): void {
  app.decorateRequest('access', null);

  app.addHook('onRoute', (opts: RouteOptions) => {
    const methods = Array.isArray(opts.method) ? opts.method : [opts.method];
    const declared = (opts.config as { route?: { permission: string } } | undefined)?.route?.permission;
    // Fail closed: a route registered without a declaration (defineRoute) would have no permission.
    if (declared === undefined) throw new Error(`Route '${methods.join(',')} ${opts.url}' declares no permission: declare it with defineRoute (src/http/routes).`);
    if (!isRouteRule(declared)) throw new Error(`Route '${methods.join(',')} ${opts.url}' declares '${declared}', which is no action of the permission matrix nor public/self/account.`);
    const access: RouteAccess = { rule: declared, scope: endpointScopeOf(opts.url) };
    opts.config = { ...(opts.config as object), access };
  });

  app.addHook('onRequest', async (req) => {
    const ra = req.routeOptions.config.access;
    if (!ra) return; // no route matched: the 404 handler answers
    if (ra.rule === PUBLIC) {
      if (ra.scope === 'api' && deps.publicLimit) await limitPublic(req, deps.publicLimit);
      return;
    }
    const authorization = req.headers.authorization;
    const cookie = authorization !== undefined ? undefined : req.cookies[SESSION_COOKIE];
    req.access = cookie === undefined ? await viaKey(req, ra, authorization, deps) : await viaSession(req, ra, cookie, deps);
    if (ra.rule === ACCOUNT && req.access.via !== 'session') {
      throw fail('session_required');
    }
    if (!isSelfRule(ra.rule) && !holdsAnyGrant(req.access.actor, ra.rule)) {
      throw fail('permission_denied', { what: `perform '${ra.rule}'` });
    }
  });
}

async function limitPublic(req: FastifyRequest, limit: (req: FastifyRequest) => Promise<number | undefined>): Promise<void> {
  const waitSeconds = await limit(req);
  if (waitSeconds === undefined) return;
  // The window is a minute: waiting Retry-After always helps.
  throw fail('rate_limit_exceeded', { address: req.ip, seconds: waitSeconds }, { headers: { 'retry-after': String(waitSeconds) } });
}

async function viaKey(req: FastifyRequest, ra: RouteAccess, authorization: string | undefined, deps: AccessDeps): Promise<AccessContext> {
  const principal = await deps.keys.authenticate(authorization);
  admitKeyUse(principal, req.ip, ra.scope);
  deps.keys.touch(principal, req.ip);
  return { actor: principal.actor, via: 'key', principal, session: null };
}

async function viaSession(req: FastifyRequest, ra: RouteAccess, cookie: string, deps: AccessDeps): Promise<AccessContext> {
  const active = await deps.sessions.authenticate(cookie);
  if (!active) throw fail('session_invalid');
  if (!SAFE_METHODS.has(req.method)) {
    const presented = req.headers[CSRF_HEADER];
    if (typeof presented !== 'string' || !constantTimeEqual(presented, active.session.csrf_token)) {
      throw fail('csrf_token_invalid');
    }
  }
  const org = await deps.directory.getOrg(active.user.org_id);
  if (org?.ip_allowlist && !IpAllowlist.parse(JSON.parse(org.ip_allowlist)).allows(req.ip)) {
    throw fail('ip_not_allowed', { who: "Your organization's members are", address: req.ip });
  }
  if (org?.require_2fa === 1 && active.user.totp_enabled_at === null && !isSelfRule(ra.rule)) {
    throw fail('two_factor_required');
  }
  return { actor: active.actor, via: 'session', principal: null, session: active };
}

/** Whether any role the actor holds grants the action at all (the coarse check before the handler's own). */
function holdsAnyGrant(actor: Actor, action: Action): boolean {
  const row = PERMISSION_MATRIX[action];
  return roleSources(actor).some((s) => row[s.role] !== 'none');
}

/** The request's access context; throws if the route did not authenticate (a wiring mistake). */
export function accessOf(req: FastifyRequest): AccessContext {
  if (!req.access) throw new Error(`route ${req.method} ${req.routeOptions.url} used accessOf without authentication`);
  return req.access;
}

/** The change context of a request: who changes things, in which org, from where. */
export function changeContextOf(req: FastifyRequest): ChangeContext {
  const a = accessOf(req);
  return { actorId: a.actor.userId, orgId: a.actor.orgId, requestId: req.id, ip: req.ip };
}

/** The signed-in user of a session request, or the user of a personal key; undefined for a service key. */
export function userIdOf(req: FastifyRequest): string | undefined {
  const a = accessOf(req);
  if (a.session) return a.session.user.id;
  return a.principal?.userId ?? undefined;
}

export type { UserRow };
