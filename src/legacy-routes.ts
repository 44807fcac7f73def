// TRANSITIONAL (issue 10): the routes not yet declared with defineRoute, registered the old way.
// Each module moves its routes to declarations; this file shrinks to nothing and is deleted.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LoginThrottle } from './access/credentials/login-throttle.ts';
import type { Directory } from './access/directory/directory.ts';
import type { KeyService } from './access/key-service.ts';
import { auditRoutes } from './access/audit/audit-routes.ts';
import { authRoutes } from './access/auth/auth-routes.ts';
import { directoryRoutes } from './access/directory/directory-routes.ts';
import { invitationRoutes } from './access/directory/invitation-routes.ts';
import { keyRoutes } from './access/key-routes.ts';
import type { Mailer } from './access/mail/mailer.ts';
import type { AccessRouteDeps } from './access/route-deps.ts';
import type { SecureCookies } from './access/sessions/session-cookie.ts';
import type { SessionService } from './access/sessions/session-service.ts';
import { ssoRoutes } from './access/sso/sso-routes.ts';
import { toTollgateError } from './errors/index.ts';
import type { Recorder } from './gateway/record.ts';
import { gatewayRoutes } from './gateway/routes.ts';
import { notFoundBody } from './http/server.ts';
import { routeDoc } from './http/openapi/route-docs.ts';
import { routeKeyOf, type AnyRoute } from './http/routes/index.ts';
import { ACTION_TABLE, isAction } from './access/permissions/actions.ts';
import { isSelfRule, ROUTE_PERMISSIONS } from './access/permissions/route-permissions.ts';
import type { OutboundFetch } from './http/outbound/index.ts';
import type { Meter } from './metering/meter.ts';
import type { Store } from './state/index.ts';
import type { UpstreamClient } from './upstream/upstream-client.ts';

export interface LegacyDeps {
  log: FastifyRequest['log'];
  store: Store;
  keys: KeyService;
  sessions: SessionService;
  directory: Directory;
  upstream: UpstreamClient;
  record: Recorder;
  meter: Meter | undefined;
  mailer: Mailer | undefined;
  publicUrl: string | undefined;
  secureCookies: SecureCookies;
  outbound: OutboundFetch;
  loginThrottle?: LoginThrottle | undefined;
}

export async function registerLegacyRoutes(app: FastifyInstance, deps: LegacyDeps): Promise<void> {
  app.decorateRequest('gateway', null);
  app.decorateRequest('rawBody', undefined);
  app.addHook('onError', async (req, _reply, err) => {
    if (req.gateway) req.gateway.errorCode ??= toTollgateError(err).code;
  });
  await app.register(
    async (v1) => {
      v1.setNotFoundHandler(async (req, reply) => {
        if (req.gateway) req.gateway.errorCode = 'unknown_url';
        return reply.code(404).send(notFoundBody(req.method, req.url));
      });
      await gatewayRoutes(v1, { keys: deps.keys, upstream: deps.upstream, record: deps.record, meter: deps.meter });
    },
    { prefix: '/v1' },
  );
  await app.register(
    async (api) => {
      const access: AccessRouteDeps = {
        store: deps.store,
        directory: deps.directory,
        keys: deps.keys,
        sessions: deps.sessions,
        log: deps.log as AccessRouteDeps['log'],
        mailer: deps.mailer,
        publicUrl: deps.publicUrl,
        secureCookies: deps.secureCookies,
        outbound: deps.outbound,
        ...(deps.loginThrottle ? { loginThrottle: deps.loginThrottle } : {}),
      };
      await keyRoutes(api, { keys: deps.keys, directory: deps.directory });
      await authRoutes(api, access);
      await ssoRoutes(api, access);
      await directoryRoutes(api, access);
      await invitationRoutes(api, access);
      await auditRoutes(api, access);
    },
    { prefix: '/api' },
  );
}

/** Descriptions of the routes still registered the old way, for the OpenAPI document (from ROUTE_PERMISSIONS and documentRoute). */
export function legacyRouteDocs(declared: readonly AnyRoute[]): AnyRoute[] {
  const seen = new Set(declared.map(routeKeyOf));
  const out: AnyRoute[] = [];
  for (const [key, rule] of Object.entries(ROUTE_PERMISSIONS)) {
    if (seen.has(key)) continue;
    const [method, path] = key.split(' ') as [AnyRoute['method'], string];
    const doc = routeDoc(key);
    const summary = doc?.summary ?? (isAction(rule) ? ACTION_TABLE[rule].summary : isSelfRule(rule) ? 'Your own account.' : 'Public.');
    out.push({ method, path, permission: rule, summary, ...(doc?.body ? { body: doc.body } : {}), ...(doc?.query ? { query: doc.query } : {}), ...(path.startsWith('/v1/') ? { gateway: true } : {}) });
  }
  return out;
}
