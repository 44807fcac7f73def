import type { FastifyInstance } from 'fastify';
import type { AccessRouteDeps } from '../route-deps.ts';

/** Single sign-on per organization: settings, start and callback. */
export async function ssoRoutes(app: FastifyInstance, deps: AccessRouteDeps): Promise<void> {
  void app;
  void deps;
}
