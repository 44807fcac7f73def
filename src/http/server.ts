import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import type { LoginThrottle } from '../access/credentials/login-throttle.ts';
import type { Directory } from '../access/directory/directory.ts';
import { installAccessControl } from '../access/enforce.ts';
import type { SessionService } from '../access/sessions/session-service.ts';
import type { KeyService } from '../access/key-service.ts';
import { auditRoutes } from '../access/audit/audit-routes.ts';
import { authRoutes } from '../access/auth/auth-routes.ts';
import { directoryRoutes } from '../access/directory/directory-routes.ts';
import { invitationRoutes } from '../access/directory/invitation-routes.ts';
import { keyRoutes } from '../access/key-routes.ts';
import type { Mailer } from '../access/mail/mailer.ts';
import type { AccessRouteDeps } from '../access/route-deps.ts';
import type { SecureCookies } from '../access/sessions/session-cookie.ts';
import { ssoRoutes } from '../access/sso/sso-routes.ts';
import { gatewayContextOpener, gatewayRoutes } from '../gateway/routes.ts';
import type { Recorder } from '../gateway/record.ts';
import { budgetRoutes, type BudgetService } from '../metering/budgets/index.ts';
import type { UsageLedger } from '../metering/ledger.ts';
import type { Meter } from '../metering/meter.ts';
import { priceRoutes, type PriceCatalog } from '../metering/prices/index.ts';
import type { UnpricedModels } from '../metering/unpriced-models.ts';
import { usageRoutes } from '../metering/usage-routes.ts';
import type { Store } from '../state/index.ts';
import type { UpstreamClient } from '../upstream/upstream-client.ts';
import { workspaceRoutes, type WorkspaceDeps } from '../workspace/index.ts';
import type { OutboundFetch } from './outbound/index.ts';
import { clientErrorHandler } from './client-error.ts';
import { toTollgateError } from './errors.ts';
import { installJsonBodyParser } from './json-body-parser.ts';
import { lazyRequestLogger } from './lazy-request-logger.ts';
import { nodeServerFactory, type NodeServerOptions } from './node-server.ts';
import { logWhenDone, type RequestLogOptions } from './request-log.ts';
import { openApiRoute } from './openapi/openapi-route.ts';
import { webAppRoutes } from './web-app.ts';

export interface ServerDeps {
  log: Logger;
  store: Store;
  keys: KeyService;
  sessions: SessionService;
  directory: Directory;
  ledger: UsageLedger;
  upstream: UpstreamClient;
  record: Recorder;
  /** Cost and budgets; undefined when metering is off. */
  meter: Meter | undefined;
  catalog: PriceCatalog;
  budgets: BudgetService;
  unpriced: UnpricedModels;
  /** Shown by /ready: `simulator` or `configured`. */
  upstreamMode: 'simulator' | 'configured';
  bodyLimitBytes: number;
  maxHeaderBytes: number;
  /** Connection limits (docs/configuration.md); see nodeServerFactory. */
  connections: Pick<NodeServerOptions, 'headersTimeoutMs' | 'requestTimeoutMs' | 'keepAliveTimeoutMs' | 'maxConnectionsPerAddress'>;
  mailer: Mailer | undefined;
  publicUrl: string | undefined;
  secureCookies: SecureCookies;
  /** Fetch for tenant-set URLs (SSO issuers); refuses internal destinations. */
  outbound: OutboundFetch;
  /** Sign-in throttle of the auth routes; default one kept in the store (shared by every instance). */
  loginThrottle?: LoginThrottle | undefined;
  /** Requests per minute one address may make to the public /api routes (sign-in, resets, invitations, SSO); 0: no limit. */
  publicRateLimitPerMinute?: number;
  /** Fastify trustProxy (TOLLGATE_TRUST_PROXY). */
  trustProxy?: string | boolean;
  /** The workspace API (conversations, templates, sharing); absent: not served. */
  workspace?: WorkspaceDeps | undefined;
}

/** Builds the HTTP server: /v1 gateway, /api admin API, /health and /ready, the web app at /. Does not listen. */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const newRequestId = () => `req_${randomUUID().replaceAll('-', '')}`;
  let refusedConnections = 0;
  const requestLog: RequestLogOptions = {
    actorOf: (req) => req.access?.actor.userId ?? null,
    // /v1 requests are logged by the gateway's record stage, with their metering fields.
    loggedElsewhere: (req) => req.gateway !== null && req.gateway !== undefined ? true : req.url.startsWith('/v1/'),
  };
  const app = Fastify({
    serverFactory: nodeServerFactory({
      ...deps.connections,
      maxHeaderBytes: deps.maxHeaderBytes,
      newRequestId,
      onRefusedConnection: (address) => {
        // One line per burst, not per connection: a flood must not become a log flood.
        if (refusedConnections++ % 1000 === 0) deps.log.warn({ address, refused: refusedConnections }, 'connection refused: too many open connections from one address');
      },
    }),
    loggerInstance: deps.log as FastifyBaseLogger,
    // One line per request is written by logWhenDone (and for /v1 by gateway/record.ts), not by Fastify.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyRequestLogger,
    genReqId: newRequestId,
    requestIdHeader: false,
    bodyLimit: deps.bodyLimitBytes,
    // Path parameters are checked by their routes (a model id over 256 characters is a 400 naming `model`),
    // so the router's own cap is only the URL's: the header limit.
    routerOptions: { maxParamLength: deps.maxHeaderBytes },
    clientErrorHandler,
    // Errors Fastify raises before routing (a bad percent-encoding in the path), in OpenAI's shape like the rest.
    frameworkErrors: (err: Error, req: FastifyRequest, reply: FastifyReply) => {
      const e = toTollgateError(err);
      // No route and no gateway context: this line is the only record, /v1 included.
      logWhenDone(req, reply, deps.log, { ...requestLog, loggedElsewhere: () => false });
      void reply.header('x-request-id', req.id).code(e.status).send(e.toBody());
    },
    // Requests that arrive while closing are answered by nodeServerFactory, in OpenAI's shape.
    return503OnClosing: false,
    trustProxy: deps.trustProxy ?? false,
    forceCloseConnections: 'idle',
  });
  app.decorateRequest('gateway', null);
  app.decorateRequest('rawBody', undefined);
  installJsonBodyParser(app);
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    logWhenDone(req, reply, deps.log, requestLog);
  });
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, { global: false });
  installAccessControl(app, {
    keys: deps.keys,
    sessions: deps.sessions,
    directory: deps.directory,
    beforeGateway: gatewayContextOpener(deps.record),
    publicLimit: publicRateLimit(app, deps.publicRateLimitPerMinute ?? 0),
  });

  app.setErrorHandler(async (err, req, reply) => {
    const e = toTollgateError(err);
    if (req.gateway) req.gateway.errorCode ??= e.code;
    if (e.status >= 500) req.log.error({ err, code: e.code }, 'request failed');
    if (e.headers) reply.headers(e.headers);
    return reply.code(e.status).send(e.toBody());
  });

  app.setNotFoundHandler(async (req, reply) => {
    return reply.code(404).send(notFoundBody(req.method, req.url));
  });

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/ready', async (_req, reply) => {
    let store = 'ok';
    try {
      await deps.store.ping();
    } catch {
      store = 'unreachable';
    }
    const ready = store === 'ok';
    // Like every 503 Tollgate gives: the store may be back in a moment.
    if (!ready) void reply.header('x-should-retry', 'true');
    return reply.code(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'not_ready',
      store: { dialect: deps.store.dialect, status: store },
      upstream: { mode: deps.upstreamMode, status: 'configured' },
    });
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
        log: deps.log,
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
      await openApiRoute(api, { version: '0.1.0' });
      await usageRoutes(api, { ledger: deps.ledger, unpriced: deps.unpriced, directory: deps.directory });
      await priceRoutes(api, { catalog: deps.catalog, directory: deps.directory });
      await budgetRoutes(api, { budgets: deps.budgets, directory: deps.directory, otherAlerts: (limit, reader) => deps.unpriced.alerts(limit, reader) });
      if (deps.workspace) await workspaceRoutes(api, deps.workspace);
    },
    { prefix: '/api' },
  );
  await webAppRoutes(app);
  return app;
}

/** A per-address limit on the public /api routes (in-process counts, one window per minute). */
function publicRateLimit(app: FastifyInstance, perMinute: number): ((req: FastifyRequest) => Promise<number | undefined>) | undefined {
  if (perMinute === 0) return undefined;
  const check = app.createRateLimit({ max: perMinute, timeWindow: 60_000 });
  return async (req) => {
    const r = await check(req);
    return !r.isAllowed && r.isExceeded ? Math.max(1, r.ttlInSeconds) : undefined;
  };
}

function notFoundBody(method: string, url: string) {
  const path = url.split('?')[0];
  return { error: { message: `Invalid URL (${method} ${path})`, type: 'invalid_request_error', param: null, code: 'unknown_url' } };
}
