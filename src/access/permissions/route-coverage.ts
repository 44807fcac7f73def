import { channel } from 'node:diagnostics_channel';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { PUBLIC } from './route-permissions.ts';

/** A route as Fastify registered it: method and URL pattern with its prefix, e.g. `GET /api/usage/:id`. */
export interface RegisteredRoute {
  method: string;
  url: string;
}

/**
 * Records every route added to `app` from now on (Fastify's `onRoute` hook), so call it before the
 * routes are registered. The returned array fills as routes are added.
 * @example const routes = trackRoutes(app); await app.register(apiRoutes); checkRouteCoverage(routes);
 */
export function trackRoutes(app: FastifyInstance): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (opts: RouteOptions) => {
    const methods = Array.isArray(opts.method) ? opts.method : [opts.method];
    for (const method of methods) routes.push({ method: String(method).toUpperCase(), url: opts.url });
  });
  return routes;
}

/**
 * Tracks the routes of every Fastify instance created until `stop()`, through Fastify's
 * `fastify.initialization` diagnostics channel; this sees a server built elsewhere (e.g. by
 * `startTollgate`) without changing how it is built.
 * @example const t = trackNewFastifyInstances(); const tg = await startTollgate(config, { listen: false }); t.stop(); t.routesOf(tg.app);
 */
export function trackNewFastifyInstances(): { routesOf(app: FastifyInstance): RegisteredRoute[] | undefined; stop(): void } {
  const tracked = new Map<FastifyInstance, RegisteredRoute[]>();
  const init = channel('fastify.initialization');
  const onInit = (message: unknown) => {
    const app = (message as { fastify: FastifyInstance }).fastify;
    tracked.set(app, trackRoutes(app));
  };
  init.subscribe(onInit);
  return {
    routesOf: (app) => tracked.get(app),
    stop: () => void init.unsubscribe(onInit),
  };
}

/** A route as declared (defineRoute): its method, path and permission. */
export interface DeclaredRoute {
  method: string;
  path: string;
  permission: string;
}

/** The result of checking the served routes against the declarations. */
export interface RouteCoverage {
  /** Served routes nobody declared (the access hook refuses to register these; listed for the test). */
  undeclared: string[];
  /** Declarations no server route serves (and that are not served outside Fastify, like /v1). */
  notServed: string[];
  /** Served routes that need no key. */
  public: string[];
}

/**
 * Compares the routes Fastify registered with the declared ones. HEAD routes count as the GET they
 * mirror; `outside` lists declared routes served by another handler (the gateway's /v1).
 * @example assert.deepEqual(checkRouteCoverage(served, tg.routes).undeclared, []);
 */
export function checkRouteCoverage(served: readonly RegisteredRoute[], declared: readonly DeclaredRoute[], outside: readonly string[] = []): RouteCoverage {
  const byKey = new Map(declared.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r.permission]));
  const undeclared = new Set<string>();
  const publicRoutes = new Set<string>();
  const seen = new Set<string>(outside);
  for (const r of served) {
    const key = `${r.method === 'HEAD' ? 'GET' : r.method} ${r.url}`;
    seen.add(key);
    const permission = byKey.get(key);
    if (permission === undefined) undeclared.add(`${r.method} ${r.url}`);
    else if (permission === PUBLIC) publicRoutes.add(key);
  }
  const notServed = [...byKey.keys()].filter((k) => !seen.has(k));
  return { undeclared: [...undeclared].sort(), notServed: notServed.sort(), public: [...publicRoutes].sort() };
}
