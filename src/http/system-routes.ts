import { z } from 'zod';
import { defineRoute, PUBLIC, type AnyRoute } from './routes/index.ts';

export interface SystemRouteDeps {
  /** What /ready reports: whether the instance can serve, and the details it shows. */
  readiness: () => Promise<{ ready: boolean; details: Record<string, unknown> }>;
  /** The OpenAPI document, serialized (built once, on first request). */
  openApi: () => string;
}

const Health = z.object({ status: z.literal('ok') });
const Ready = z.object({ status: z.enum(['ready', 'not_ready']) }).catchall(z.unknown());

/** The probes and the API description: public, no authentication. */
export function systemRoutes(deps: SystemRouteDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/health',
      permission: PUBLIC,
      summary: 'Liveness: the process answers.',
      response: Health,
      handler: () => ({ status: 'ok' as const }),
    }),
    defineRoute({
      method: 'GET',
      path: '/ready',
      permission: PUBLIC,
      summary: 'Readiness: the store answers (503 with details when not).',
      response: Ready,
      handler: async ({ reply }) => {
        const { ready, details } = await deps.readiness();
        // Like every 503 Tollgate gives: the store may be back in a moment.
        if (!ready) void reply.header('x-should-retry', 'true');
        return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', ...details });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/openapi.json',
      permission: PUBLIC,
      summary: 'This document: every route, its permission and its schemas.',
      produces: 'application/json',
      handler: ({ reply }) => reply.type('application/json; charset=utf-8').send(deps.openApi()),
    }),
  ];
}
