import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { capConnectionsPerAddress, isRefusedConnection } from './connection-cap.ts';

export interface NodeServerOptions {
  maxHeaderBytes: number;
  /** A request's headers must arrive within this. */
  headersTimeoutMs: number;
  /** A whole request (headers and body) must arrive within this; not a limit on answering. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection closes after this. */
  keepAliveTimeoutMs: number;
  /** Open connections per client address; 0: no cap. */
  maxConnectionsPerAddress: number;
  /** Request ids for answers given outside Fastify (while shutting down). */
  newRequestId: () => string;
  onRefusedConnection?: (address: string) => void;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const SHUTTING_DOWN = JSON.stringify({
  error: { message: 'This Tollgate instance is shutting down; retry the request.', type: 'server_error', param: null, code: 'server_shutting_down' },
});

/**
 * Fastify's `serverFactory`: node's HTTP server with Tollgate's connection limits. A request must
 * arrive (headers, then body) within the timeouts, or it is answered 408 and its connection closed;
 * the time to answer is not limited here (a stream runs while the upstream keeps sending, and the
 * stream idle timeout ends a silent one). Every response gets `X-Content-Type-Options: nosniff`. A
 * request that arrives on a kept-alive connection after the server began to close is answered 503
 * with `x-should-retry: true`, in OpenAI's shape.
 */
export function nodeServerFactory(options: NodeServerOptions): (handler: Handler) => Server {
  return (handler) => {
    const shortest = Math.min(options.headersTimeoutMs, options.requestTimeoutMs);
    const server = createServer(
      {
        maxHeaderSize: options.maxHeaderBytes,
        headersTimeout: options.headersTimeoutMs,
        requestTimeout: options.requestTimeoutMs,
        // Node looks for expired requests on this period (30 s by default); a fraction of the limit keeps cuts close to it.
        connectionsCheckingInterval: Math.min(1000, Math.max(100, Math.floor(shortest / 4))),
      },
      (req, res) => {
        if (isRefusedConnection(req.socket)) return;
        res.setHeader('x-content-type-options', 'nosniff');
        if (!server.listening) {
          shuttingDown(res, options.newRequestId());
          return;
        }
        handler(req, res);
      },
    );
    server.keepAliveTimeout = options.keepAliveTimeoutMs;
    // No idle limit on a connection that is being answered: streams may pause (the stream idle timeout ends them).
    server.setTimeout(0);
    if (options.maxConnectionsPerAddress > 0) capConnectionsPerAddress(server, options.maxConnectionsPerAddress, options.onRefusedConnection);
    return server;
  };
}

function shuttingDown(res: ServerResponse, requestId: string): void {
  res.writeHead(503, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(SHUTTING_DOWN),
    'x-request-id': requestId,
    'x-should-retry': 'true',
    'retry-after': '1',
    connection: 'close',
  });
  res.end(SHUTTING_DOWN);
}
