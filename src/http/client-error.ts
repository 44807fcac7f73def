import type { Socket } from 'node:net';

const REASONS: Record<string, [number, string, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'request_headers_too_large', 'Request headers are larger than the server accepts.'],
};

/**
 * Answers requests that node's HTTP parser rejects before any route runs (huge headers, broken
 * framing), in OpenAI's error shape, then closes that connection. The server keeps serving others.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason, code, message] = REASONS[err.code ?? ''] ?? [400, 'Bad Request', 'malformed_request', 'The HTTP request is malformed.'];
  const body = JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code } });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
