import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import { toTollgateError } from '../errors/index.ts';
import { clientErrorHandler } from './client-error.ts';
import { installJsonBodyParser } from './json-body-parser.ts';
import { lazyRequestLogger } from './lazy-request-logger.ts';
import { nodeServerFactory, type NodeServerOptions } from './node-server.ts';
import { logWhenDone, type RequestLogOptions } from './request-log.ts';
import { registerRoutes, type AnyRoute } from './routes/index.ts';

/** Handles a request outside Fastify (the /v1 gateway's own handler). */
export type RawHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface ServerOptions {
  log: Logger;
  bodyLimitBytes: number;
  maxHeaderBytes: number;
  /** Connection limits (docs/configuration.md); see nodeServerFactory. */
  connections: Pick<NodeServerOptions, 'headersTimeoutMs' | 'requestTimeoutMs' | 'keepAliveTimeoutMs' | 'maxConnectionsPerAddress'>;
  /** HTTPS and HSTS (see nodeServerFactory). */
  transport?: Pick<NodeServerOptions, 'tls' | 'strictTransportSecurity'> | undefined;
  /** Fastify trustProxy (TOLLGATE_TRUST_PROXY). */
  trustProxy?: string | boolean | undefined;
  /** Every declared route (the /v1 ones are skipped: `rawHandler` serves them). */
  routes: readonly AnyRoute[];
  /** Check answers against their declared response schemas (tests). */
  checkResponses: boolean;
  /** Runs before the routes are registered: hooks every route passes (authentication, permissions). */
  install: (app: FastifyInstance) => Promise<void> | void;
  requestLog: RequestLogOptions;
  /** Requests whose URL `matches` go to `handler` instead of Fastify (the gateway's /v1). */
  raw?: { matches: (url: string) => boolean; handler: RawHandler } | undefined;
  newRequestId?: () => string;
}

/** A request id: `req_` and 32 hex digits. */
export const newRequestId = (): string => `req_${randomUUID().replaceAll('-', '')}`;

/**
 * Builds the HTTP server from declared routes: JSON bodies (with duplicate-key and depth checks),
 * one error format (OpenAI's shape, `x-should-retry` from the error table), one request log line per
 * request, connection limits. Knows no feature: the composition root (src/app.ts) passes the routes,
 * the access hooks and the gateway's handler. Does not listen.
 */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const requestId = options.newRequestId ?? newRequestId;
  let refusedConnections = 0;
  const factory = nodeServerFactory({
    ...options.connections,
    ...options.transport,
    maxHeaderBytes: options.maxHeaderBytes,
    newRequestId: requestId,
    onRefusedConnection: (address) => {
      // One line per burst, not per connection: a flood must not become a log flood.
      if (refusedConnections++ % 1000 === 0) options.log.warn({ address, refused: refusedConnections }, 'connection refused: too many open connections from one address');
    },
  });
  const raw = options.raw;
  const app = Fastify({
    serverFactory: raw
      ? (handler) =>
          factory((req, res) => {
            if (raw.matches(req.url ?? '')) raw.handler(req, res);
            else handler(req, res);
          })
      : factory,
    loggerInstance: options.log as FastifyBaseLogger,
    // One line per request is written by logWhenDone (and for /v1 by the gateway's record stage), not by Fastify.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyRequestLogger,
    genReqId: requestId,
    requestIdHeader: false,
    bodyLimit: options.bodyLimitBytes,
    // Path parameters are checked by their routes, so the router's own cap is only the URL's: the header limit.
    routerOptions: { maxParamLength: options.maxHeaderBytes },
    clientErrorHandler,
    // Errors Fastify raises before routing (a bad percent-encoding in the path), in OpenAI's shape like the rest.
    frameworkErrors: (err: Error, req: FastifyRequest, reply: FastifyReply) => {
      const e = toTollgateError(err);
      logWhenDone(req, reply, options.log, { ...options.requestLog, loggedElsewhere: () => false });
      void reply.header('x-request-id', req.id).headers(e.responseHeaders()).code(e.status).send(e.toBody());
    },
    // Requests that arrive while closing are answered by nodeServerFactory, in OpenAI's shape.
    return503OnClosing: false,
    trustProxy: options.trustProxy ?? false,
    forceCloseConnections: 'idle',
  });
  installJsonBodyParser(app);
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    logWhenDone(req, reply, options.log, options.requestLog);
  });
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, { global: false });
  await options.install(app);

  app.setErrorHandler(async (err, req, reply) => {
    const e = toTollgateError(err);
    if (e.status >= 500) req.log.error({ err, code: e.code }, 'request failed');
    return reply.headers(e.responseHeaders()).code(e.status).send(e.toBody());
  });
  app.setNotFoundHandler(async (req, reply) => reply.code(404).headers({ 'x-should-retry': 'false' }).send(notFoundBody(req.method, req.url)));

  registerRoutes(app, options.routes, { checkResponses: options.checkResponses });
  return app;
}

/** The 404 body of an unknown path, as OpenAI words it. */
export function notFoundBody(method: string, url: string) {
  const path = url.split('?')[0];
  return { error: { message: `Invalid URL (${method} ${path})`, type: 'invalid_request_error', param: null, code: 'unknown_url' } };
}
