import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

const REASONS: Record<string, [number, string, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'request_headers_too_large', 'Request headers are larger than the server accepts.'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'request_timeout', 'The request did not arrive in time: its headers and body must be sent within the server\'s time limits.'],
};

const TIMED_OUT = Symbol('tollgate.requestTimedOut');

/** Whether the request on this connection was cut by the request or headers timeout (answered 408). */
export function requestTimedOut(socket: Socket | null): boolean {
  return (socket as (Socket & { [TIMED_OUT]?: true }) | null)?.[TIMED_OUT] === true;
}

/**
 * An HTTP/1.1 error response in OpenAI's error shape, written straight to a socket (for answers
 * given before or outside any route: parse errors, timeouts, refused connections). Closes the connection.
 */
export function rawErrorResponse(status: number, reason: string, code: string, message: string, headers: Record<string, string> = {}): string {
  const body = JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code } });
  let extra = '';
  for (const [name, value] of Object.entries(headers)) extra += `${name}: ${value}\r\n`;
  return (
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
    `X-Content-Type-Options: nosniff\r\n${extra}Connection: close\r\n\r\n${body}`
  );
}

/**
 * Answers what node's HTTP server rejects before any route runs (huge headers, broken framing, a
 * request that did not arrive within the timeouts), in OpenAI's error shape, then closes that
 * connection. The server keeps serving others. Nothing is written when a response is already under
 * way on the connection: it would corrupt it.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') (socket as Socket & { [TIMED_OUT]?: true })[TIMED_OUT] = true;
  const [status, reason, code, message] = REASONS[err.code ?? ''] ?? [400, 'Bad Request', 'malformed_request', 'The HTTP request is malformed.'];
  socket.end(rawErrorResponse(status, reason, code, message));
}
