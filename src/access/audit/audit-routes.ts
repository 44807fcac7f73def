import type { FastifyInstance } from 'fastify';
import type { AccessRouteDeps } from '../route-deps.ts';

/** The change records (audit log) an actor may read. */
export async function auditRoutes(app: FastifyInstance, deps: AccessRouteDeps): Promise<void> {
  void app;
  void deps;
}
