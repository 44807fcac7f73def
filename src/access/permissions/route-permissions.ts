import { isAction } from './actions.ts';
import type { Action } from './actions.ts';

/** Routes anyone may call without a key or session (probes, sign-in, invitation acceptance). */
export const PUBLIC = 'public';
/** Routes any signed-in caller may use on themselves (their profile, sign-out); no matrix check. */
export const SELF = 'self';
/**
 * Routes that change how the person signs in (password, 2FA, recovery codes) or act on their
 * sessions: like SELF, but only with a session. A key (even the person's own) gets 403
 * `session_required`, so whoever holds a key cannot take the account over.
 */
export const ACCOUNT = 'account';

/** Whether a rule is about the caller's own account (SELF or ACCOUNT): no matrix check. */
export function isSelfRule(rule: string): rule is typeof SELF | typeof ACCOUNT {
  return rule === SELF || rule === ACCOUNT;
}

/**
 * Every route of the server, as `METHOD /url-pattern` (Fastify's pattern, prefix included), mapped
 * to the action it performs, or to PUBLIC. The enforcement hook looks a request up here by
 * `req.method` and `req.routeOptions.url`; route-coverage's check fails on any route missing here.
 * @example ROUTE_PERMISSIONS['DELETE /api/keys/:id']; // 'keys.revoke'
 */
export const ROUTE_PERMISSIONS = {
  'GET /health': PUBLIC,
  'GET /ready': PUBLIC,

  'POST /v1/chat/completions': 'gateway.call',
  'POST /v1/responses': 'gateway.call',
  'POST /v1/completions': 'gateway.call',
  'POST /v1/embeddings': 'gateway.call',
  'POST /v1/moderations': 'gateway.call',
  'GET /v1/models': 'gateway.call',
  'GET /v1/models/:id': 'gateway.call',

  'POST /api/keys': 'keys.create',
  'GET /api/keys': 'keys.read',
  'GET /api/keys/:id': 'keys.read',
  'PATCH /api/keys/:id': 'keys.update',
  'POST /api/keys/:id/rotate': 'keys.update',
  'DELETE /api/keys/:id': 'keys.revoke',

  'GET /api/usage': 'usage.read',
  'GET /api/usage/unpriced': 'usage.read',
  'GET /api/usage/:id': 'usage.read',

  'GET /api/prices': 'prices.read',
  'GET /api/prices/:model': 'prices.read',
  'PUT /api/prices/:model': 'prices.write',
  'DELETE /api/prices/:model': 'prices.write',

  'POST /api/budgets': 'budgets.write',
  'GET /api/budgets': 'budgets.read',
  'GET /api/budgets/:id': 'budgets.read',
  'PATCH /api/budgets/:id': 'budgets.write',
  'DELETE /api/budgets/:id': 'budgets.write',
  'GET /api/alerts': 'alerts.read',

  'GET /api/audit': 'audit.read',
  'GET /api/audit/export': 'audit.read',
  'GET /api/openapi.json': PUBLIC,

  // Signing in and out, and what a signed-in user does to their own account (ACCOUNT: sessions only).
  'POST /api/auth/sign-in': PUBLIC,
  'POST /api/auth/sign-out': SELF,
  'POST /api/auth/password-reset': PUBLIC,
  'POST /api/auth/password-reset/confirm': PUBLIC,
  'GET /api/auth/sso/:orgId/start': PUBLIC,
  'GET /api/auth/sso/callback': PUBLIC,
  'GET /api/auth/sso/lookup': PUBLIC,
  'GET /api/me': SELF,
  'PATCH /api/me': SELF,
  'POST /api/me/password': ACCOUNT,
  'GET /api/me/sessions': ACCOUNT,
  'DELETE /api/me/sessions/:id': ACCOUNT,
  'POST /api/me/2fa': ACCOUNT,
  'POST /api/me/2fa/confirm': ACCOUNT,
  'DELETE /api/me/2fa': ACCOUNT,
  'POST /api/me/2fa/recovery-codes': ACCOUNT,

  // Organizations, teams, users, memberships, invitations.
  'GET /api/orgs': 'org.read',
  'POST /api/orgs': 'orgs.create',
  'GET /api/orgs/:id': 'org.read',
  'PATCH /api/orgs/:id': 'org.settings.write',
  'GET /api/orgs/:id/sso': 'org.settings.write',
  'PUT /api/orgs/:id/sso': 'org.settings.write',
  'DELETE /api/orgs/:id/sso': 'org.settings.write',
  'GET /api/teams': 'teams.read',
  'POST /api/teams': 'teams.write',
  'GET /api/teams/:id': 'teams.read',
  'PATCH /api/teams/:id': 'teams.write',
  'DELETE /api/teams/:id': 'teams.write',
  'GET /api/teams/:id/members': 'members.read',
  'PUT /api/teams/:id/members/:userId': 'members.write',
  'DELETE /api/teams/:id/members/:userId': 'members.write',
  'GET /api/users': 'members.read',
  'GET /api/users/:id': 'members.read',
  'PATCH /api/users/:id': 'users.manage',
  'POST /api/users/:id/password-reset': 'users.manage',
  'GET /api/invitations': 'members.read',
  'POST /api/invitations': 'users.invite',
  'DELETE /api/invitations/:id': 'users.invite',
  'GET /api/invitations/accept': PUBLIC,
  'POST /api/invitations/accept': PUBLIC,

  // The workspace: conversations (only their owner reaches them), templates, sharing, cost in view.
  'GET /api/conversations': 'conversations.read',
  'POST /api/conversations': 'conversations.write',
  'GET /api/conversations/folders': 'conversations.read',
  'GET /api/conversations/search': 'conversations.read',
  'POST /api/conversations/estimate': 'conversations.read',
  'GET /api/conversations/:id': 'conversations.read',
  'PATCH /api/conversations/:id': 'conversations.write',
  'DELETE /api/conversations/:id': 'conversations.write',
  'GET /api/conversations/:id/messages': 'conversations.read',
  'POST /api/conversations/:id/messages': 'conversations.write',
  'POST /api/conversations/:id/messages/:messageId/regenerate': 'conversations.write',
  'GET /api/conversations/:id/export': 'conversations.read',
  'GET /api/conversations/:id/shares': 'conversations.read',
  'POST /api/conversations/:id/shares': 'conversations.write',
  'DELETE /api/shares/:id': 'conversations.write',
  'GET /api/shared/:token': PUBLIC,
  'GET /api/models/catalog': 'conversations.read',
  'GET /api/templates': 'templates.read',
  'POST /api/templates': 'templates.write',
  'GET /api/templates/:id': 'templates.read',
  'PATCH /api/templates/:id': 'templates.write',
  'DELETE /api/templates/:id': 'templates.write',
  'POST /api/templates/:id/render': 'templates.read',

  // The web app (src/http/web-app.ts): its page paths answer index.html, its hashed files; no data.
  'GET /': PUBLIC,
  'GET /sign-in': PUBLIC,
  'GET /invite': PUBLIC,
  'GET /reset-password': PUBLIC,
  'GET /share/:token': PUBLIC,
  'GET /c/:id': PUBLIC,
  'GET /settings': PUBLIC,
  'GET /settings/*': PUBLIC,
  'GET /admin': PUBLIC,
  'GET /admin/*': PUBLIC,
  'GET /assets/*': PUBLIC,
} as const satisfies Record<string, Action | typeof PUBLIC | typeof SELF | typeof ACCOUNT>;

/** What a route requires: an action of the matrix, PUBLIC, SELF or ACCOUNT. */
export type RouteRule = Action | typeof PUBLIC | typeof SELF | typeof ACCOUNT;

export type RouteKey = `${string} ${string}`;

/** The key of a route in ROUTE_PERMISSIONS. */
export function routeKey(method: string, url: string): RouteKey {
  return `${method.toUpperCase()} ${url}`;
}

/**
 * The action a route performs, PUBLIC, or undefined for a route nobody mapped (deny it).
 * A HEAD request is checked as the GET it mirrors.
 * @example routeAction('GET', '/api/usage/:id'); // 'usage.read'
 */
export function routeAction(method: string, url: string): RouteRule | undefined {
  const m = method.toUpperCase() === 'HEAD' ? 'GET' : method;
  const table: Readonly<Record<string, RouteRule>> = ROUTE_PERMISSIONS;
  return Object.hasOwn(table, routeKey(m, url)) ? table[routeKey(m, url)] : undefined;
}

/** Whether a declared permission names something the access layer enforces. */
export function isRouteRule(name: string): name is RouteRule {
  return name === PUBLIC || name === SELF || name === ACCOUNT || isAction(name);
}
