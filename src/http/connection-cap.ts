import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { rawErrorResponse } from './client-error.ts';

const REFUSED = Symbol('tollgate.refusedConnection');
type MarkedSocket = Socket & { [REFUSED]?: true };

const ANSWER = rawErrorResponse(429, 'Too Many Requests', 'too_many_connections', 'Too many open connections from your address; close idle ones or retry shortly.', {
  'Retry-After': '1',
  'X-Should-Retry': 'true',
});

/**
 * Caps the open connections one client address may hold on `server`: one more is answered 429
 * `too_many_connections` and closed at once, so a single address cannot tie up the server's sockets
 * (slow bodies, idle keep-alives). Counts by the connection's peer address: behind a proxy that is
 * the proxy's. `onRefused` is told each refusal (for a log line).
 * @example capConnectionsPerAddress(server, 256, (address) => log.warn({ address }, 'connection refused'));
 */
export function capConnectionsPerAddress(server: Server, max: number, onRefused?: (address: string) => void): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: MarkedSocket) => {
    const address = socket.remoteAddress ?? '';
    const count = open.get(address) ?? 0;
    if (count >= max) {
      socket[REFUSED] = true;
      socket.on('error', () => socket.destroy());
      socket.end(ANSWER, () => socket.destroy());
      onRefused?.(address);
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
  });
}

/** Whether a request came on a connection refused by the cap (node may parse one before it closes): drop it. */
export function isRefusedConnection(socket: Socket): boolean {
  return (socket as MarkedSocket)[REFUSED] === true;
}
