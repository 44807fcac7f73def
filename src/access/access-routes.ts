import type { AnyRoute } from '../http/routes/index.ts';
import { authRoutes } from './auth/auth-routes.ts';
import { keyRoutes } from './key-routes.ts';
import type { AccessRouteDeps } from './route-deps.ts';
import { ssoRoutes } from './sso/sso-routes.ts';

/** Every route of the access module, declared: keys, sign-in and your account, single sign-on. */
export function accessRoutes(deps: AccessRouteDeps): AnyRoute[] {
  return [...keyRoutes({ keys: deps.keys, directory: deps.directory, ...(deps.now ? { now: deps.now } : {}) }), ...authRoutes(deps), ...ssoRoutes(deps)];
}
