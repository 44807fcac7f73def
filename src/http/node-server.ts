import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { rawErrorResponse } from './client-error.ts';
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
  /** Serve HTTPS with this certificate chain and key (PEM); absent: plain HTTP. */
  tls?: { cert: Buffer; key: Buffer } | undefined;
  /** The Strict-Transport-Security value sent on every response; absent: none. */
  strictTransportSecurity?: string | undefined;
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
 * with `x-should-retry: true`, and an HTTP/1.1 request without Host 400, both in OpenAI's shape.
 * With `tls` it is an HTTPS server (TLS 1.2 at least) and every response carries HSTS when asked.
 */
export function nodeServerFactory(options: NodeServerOptions): (handler: Handler) => Server {
  return (handler) => {
    const shortest = Math.min(options.headersTimeoutMs, options.requestTimeoutMs);
    const hsts = options.strictTransportSecurity;
    const settings = {
      maxHeaderSize: options.maxHeaderBytes,
      headersTimeout: options.headersTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      // Node looks for expired requests on this period (30 s by default); a fraction of the limit keeps cuts close to it.
      connectionsCheckingInterval: Math.min(1000, Math.max(100, Math.floor(shortest / 4))),
      // Node would answer a missing Host with an empty 400 of its own; ours is in OpenAI's shape.
      requireHostHeader: false,
    };
    const listener = (req: IncomingMessage, res: ServerResponse): void => {
      if (isRefusedConnection(req.socket)) return;
      res.setHeader('x-content-type-options', 'nosniff');
      if (hsts !== undefined) res.setHeader('strict-transport-security', hsts);
      if (!server.listening) {
        plainError(res, 503, SHUTTING_DOWN, options.newRequestId(), { 'x-should-retry': 'true', 'retry-after': '1' });
        return;
      }
      if (req.headers.host === undefined && req.httpVersionMinor === 1 && req.httpVersionMajor === 1) {
        plainError(res, 400, MISSING_HOST, options.newRequestId());
        return;
      }
      handler(req, res);
    };
    const server: Server = options.tls
      ? createHttpsServer({ ...settings, cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' }, listener)
      : createServer(settings, listener);
    // Node would answer an unknown Expect with an empty 417 of its own.
    server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
      res.setHeader('x-content-type-options', 'nosniff');
      plainError(res, 417, EXPECTATION_FAILED, options.newRequestId());
    });
    // CONNECT (a proxy tunnel) is not served: answer instead of dropping the connection.
    server.on('connect', (_req: IncomingMessage, socket: Socket) => {
      socket.on('error', () => socket.destroy());
      socket.end(rawErrorResponse(405, 'Method Not Allowed', 'method_not_allowed', 'CONNECT is not supported: Tollgate is not a proxy for tunnels.'));
    });
    server.keepAliveTimeout = options.keepAliveTimeoutMs;
    // No idle limit on a connection that is being answered: streams may pause (the stream idle timeout ends them).
    server.setTimeout(0);
    if (options.maxConnectionsPerAddress > 0) capConnectionsPerAddress(server, options.maxConnectionsPerAddress, options.onRefusedConnection);
    // A TLS handshake that fails (plain HTTP to the HTTPS port, a bad client hello) ends that connection only.
    if (options.tls) server.on('tlsClientError', (_err: Error, socket: Socket) => socket.destroy());
    return server;
  };
}

const EXPECTATION_FAILED = JSON.stringify({
  error: { message: "Only 'Expect: 100-continue' is supported.", type: 'invalid_request_error', param: null, code: 'expectation_failed' },
});

const MISSING_HOST = JSON.stringify({
  error: { message: 'An HTTP/1.1 request must have a Host header.', type: 'invalid_request_error', param: null, code: 'missing_host' },
});

/** An answer given before Fastify sees the request, in OpenAI's shape; closes the connection. */
function plainError(res: ServerResponse, status: number, body: string, requestId: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'x-request-id': requestId,
    connection: 'close',
  });
  res.end(body);
}
