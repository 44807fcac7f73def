import { channel } from 'node:diagnostics_channel';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { PUBLIC, ROUTE_PERMISSIONS, routeAction, routeKey } from './route-permissions.ts';

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

/** The result of checking routes against ROUTE_PERMISSIONS. */
export interface RouteCoverage {
  /** Registered routes with no mapping: the access issue must map each before enforcing. */
  unmapped: string[];
  /** Mappings for routes that are not registered (renamed or removed routes). */
  stale: string[];
  /** Registered routes that need no key. */
  public: string[];
}

/**
 * Compares registered routes with ROUTE_PERMISSIONS. HEAD routes count as the GET they mirror.
 * @example assert.deepEqual(checkRouteCoverage(routes).unmapped, []);
 */
export function checkRouteCoverage(routes: readonly RegisteredRoute[]): RouteCoverage {
  const unmapped = new Set<string>();
  const publicRoutes = new Set<string>();
  const seen = new Set<string>();
  for (const r of routes) {
    const action = routeAction(r.method, r.url);
    const key = routeKey(r.method === 'HEAD' ? 'GET' : r.method, r.url);
    seen.add(key);
    if (action === undefined) unmapped.add(routeKey(r.method, r.url));
    else if (action === PUBLIC) publicRoutes.add(key);
  }
  const stale = Object.keys(ROUTE_PERMISSIONS).filter((k) => !seen.has(k));
  return { unmapped: [...unmapped].sort(), stale: stale.sort(), public: [...publicRoutes].sort() };
}
