import type { FastifyInstance } from 'fastify';
import type { AccessRouteDeps } from '../route-deps.ts';
import { createAuthServices } from './auth-services.ts';
import { meRoutes } from './me-routes.ts';
import { passwordRoutes } from './password-routes.ts';
import { signInRoutes } from './sign-in-routes.ts';
import { twoFactorRoutes } from './two-factor-routes.ts';

/** Sign-in, sign-out, password reset, /api/me, own sessions and 2FA enrolment. */
export async function authRoutes(app: FastifyInstance, deps: AccessRouteDeps): Promise<void> {
  const services = createAuthServices(deps);
  signInRoutes(app, services);
  meRoutes(app, services);
  passwordRoutes(app, services);
  twoFactorRoutes(app, services);
}
