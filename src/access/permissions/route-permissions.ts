import type { Action } from './actions.ts';

/** Routes anyone may call without a key (probes). */
export const PUBLIC = 'public';

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
} as const satisfies Record<string, Action | typeof PUBLIC>;

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
export function routeAction(method: string, url: string): Action | typeof PUBLIC | undefined {
  const m = method.toUpperCase() === 'HEAD' ? 'GET' : method;
  const table: Readonly<Record<string, Action | typeof PUBLIC>> = ROUTE_PERMISSIONS;
  return Object.hasOwn(table, routeKey(m, url)) ? table[routeKey(m, url)] : undefined;
}
