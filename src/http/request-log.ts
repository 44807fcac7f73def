import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

export interface RequestLogOptions {
  /** Who made the request: a user id, a service key's id, or null before/without authentication. */
  actorOf: (req: FastifyRequest) => string | null;
  /**
   * Requests that write their own line (the gateway's, with its metering fields): asked when the
   * request arrives (no listener is added for them) and again when it is done.
   */
  loggedElsewhere: (req: FastifyRequest) => boolean;
}

/**
 * Writes the one `request` line of a request when its response is done with (finished, failed or
 * abandoned: 499): reqId, method, route pattern (null when no route matched: a raw path may hold
 * tokens), status, ms, actor. Never a body, a query, a header or a secret.
 */
export function logWhenDone(req: FastifyRequest, reply: FastifyReply, log: Logger, options: RequestLogOptions): void {
  if (options.loggedElsewhere(req)) return;
  const started = performance.now();
  reply.raw.once('close', () => {
    if (options.loggedElsewhere(req)) return;
    log.info(
      {
        reqId: req.id,
        method: req.method,
        route: req.routeOptions.url ?? null,
        status: reply.raw.writableFinished ? reply.raw.statusCode : 499,
        ms: Math.round(performance.now() - started),
        actor: options.actorOf(req),
      },
      'request',
    );
  });
}
