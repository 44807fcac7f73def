import type { FastifyInstance } from 'fastify';
import type { AccessRouteDeps } from '../route-deps.ts';

/** Organizations, teams, users and memberships. */
export async function directoryRoutes(app: FastifyInstance, deps: AccessRouteDeps): Promise<void> {
  void app;
  void deps;
}
