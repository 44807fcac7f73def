import type { AnyRoute } from '../../http/index.ts';
import type { AccessRouteDeps } from '../route-deps.ts';
import { createAuthServices } from './auth-services.ts';
import { meRoutes } from './me-routes.ts';
import { passwordRoutes } from './password-routes.ts';
import { signInRoutes } from './sign-in-routes.ts';
import { twoFactorRoutes } from './two-factor-routes.ts';

/** Sign-in, sign-out, password reset, /api/me, own sessions and 2FA enrolment. */
export function authRoutes(deps: AccessRouteDeps): AnyRoute[] {
  const services = createAuthServices(deps);
  return [...signInRoutes(services), ...meRoutes(services), ...passwordRoutes(services), ...twoFactorRoutes(services)];
}
