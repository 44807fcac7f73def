import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { fail } from '../../errors/index.ts';
import { routeKeyOf, type AnyRoute } from './route.ts';
import { validateInput } from './validate-input.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The declaration a route was registered from (every route has one). */
    route?: AnyRoute;
  }
}

export interface RegisterOptions {
  /**
   * Check every success body against the route's response schema; a mismatch answers 500 and is
   * logged. On in tests (TOLLGATE_CHECK_RESPONSES=on), so documents cannot drift from answers.
   */
  checkResponses: boolean;
}

const NOTHING = z.strictObject({});

/**
 * Registers declared routes on Fastify: params, query and body are validated with their schemas
 * (one formatter for every failure), the handler runs, its result is sent with the declared status.
 * Routes served by the gateway's own handler are skipped.
 */
export function registerRoutes(app: FastifyInstance, routes: readonly AnyRoute[], options: RegisterOptions): void {
  for (const declared of routes) {
    if (declared.gateway) continue;
    const handler = declared.handler;
    if (!handler) throw new Error(`Route '${routeKeyOf(declared)}' has no handler.`);
    // An API route that declares no query or body takes none: an unknown field is the same 400 everywhere.
    const api = declared.path.startsWith('/api/');
    const route: AnyRoute = api ? { ...declared, query: declared.query ?? NOTHING, body: declared.body ?? NOTHING } : declared;
    app.route({
      method: route.method,
      url: route.path,
      config: { route },
      handler: async (req, reply): Promise<FastifyReply | unknown> => {
        const params = route.params ? validateInput(route.params, req.params, 'params') : req.params;
        const query = route.query ? validateInput(route.query, req.query, 'query') : req.query;
        const body = route.body ? validateInput(route.body, req.body, 'body') : req.body;
        const result: unknown = await handler({ params, query, body, req, reply });
        if (result === reply || reply.sent) return reply;
        if (options.checkResponses && route.response) {
          const checked = route.response.safeParse(result);
          if (!checked.success) {
            req.log.error({ route: routeKeyOf(route), issues: checked.error.issues.slice(0, 5) }, 'response does not match its declared schema');
            throw fail('internal_error');
          }
        }
        return reply.code(route.status ?? 200).send(result);
      },
    });
  }
}
