import type { FastifyInstance } from 'fastify';
import type { AccessRouteDeps } from '../route-deps.ts';

/** Sign-in, sign-out, password reset, /api/me, own sessions and 2FA enrolment. */
export async function authRoutes(app: FastifyInstance, deps: AccessRouteDeps): Promise<void> {
  void app;
  void deps;
}
