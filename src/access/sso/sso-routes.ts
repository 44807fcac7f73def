import type { AnyRoute } from '../../http/index.ts';
import type { AccessRouteDeps } from '../route-deps.ts';
import { SsoClients } from './sso-clients.ts';
import { ssoSettingsRoutes } from './sso-settings-routes.ts';
import { ssoLookupRoute } from './sso-lookup-route.ts';
import { ssoSignInRoutes } from './sso-sign-in-routes.ts';

/** Single sign-on per organization: settings (owners), start and callback (public). */
export function ssoRoutes(deps: AccessRouteDeps): AnyRoute[] {
  const clients = new SsoClients(deps.outbound, deps.directory.cipher);
  return [...ssoSettingsRoutes(deps, clients), ...ssoSignInRoutes(deps, clients), ssoLookupRoute(deps)];
}
