import type { FastifyInstance } from 'fastify';
import type { AccessRouteDeps } from '../route-deps.ts';
import { SsoClients } from './sso-clients.ts';
import { ssoSettingsRoutes } from './sso-settings-routes.ts';
import { ssoLookupRoute } from './sso-lookup-route.ts';
import { ssoSignInRoutes } from './sso-sign-in-routes.ts';

/** Single sign-on per organization: settings (owners), start and callback (public). */
export async function ssoRoutes(app: FastifyInstance, deps: AccessRouteDeps): Promise<void> {
  const clients = new SsoClients(deps.outbound);
  await ssoSettingsRoutes(app, deps, clients);
  await ssoSignInRoutes(app, deps, clients);
  await ssoLookupRoute(app, deps);
}
