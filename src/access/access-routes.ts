import type { AnyRoute } from '../http/index.ts';
import { auditRoutes } from './audit/audit-routes.ts';
import { authRoutes } from './auth/auth-routes.ts';
import { directoryRoutes } from './directory/directory-routes.ts';
import { invitationRoutes } from './directory/invitation-routes.ts';
import { keyRoutes } from './key-routes.ts';
import type { AccessRouteDeps } from './route-deps.ts';
import { ssoRoutes } from './sso/sso-routes.ts';

/** Every route of the access module, declared: keys, sign-in and your account, single sign-on, the directory, invitations, the audit log. */
export function accessRoutes(deps: AccessRouteDeps): AnyRoute[] {
  return [
    ...keyRoutes({ keys: deps.keys, directory: deps.directory, ...(deps.now ? { now: deps.now } : {}) }),
    ...authRoutes(deps),
    ...ssoRoutes(deps),
    ...directoryRoutes(deps),
    ...invitationRoutes(deps),
    ...auditRoutes(deps),
  ];
}
