import type { FastifyInstance } from 'fastify';
import type { AccessRouteDeps } from '../route-deps.ts';

/** Invitations: create, list, revoke, accept. */
export async function invitationRoutes(app: FastifyInstance, deps: AccessRouteDeps): Promise<void> {
  void app;
  void deps;
}
