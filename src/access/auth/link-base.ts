import type { FastifyRequest } from 'fastify';

/**
 * Where links in mail point: TOLLGATE_PUBLIC_URL when set, else the address this request actually
 * reached (the server's own socket address and port). Never the Host header: a caller can forge it
 * and so have a reset link to their own site mailed to a victim (reset-link poisoning). Behind a
 * proxy, set TOLLGATE_PUBLIC_URL.
 * @example linkBase(undefined, req) // 'http://127.0.0.1:8080'
 */
export function linkBase(publicUrl: string | undefined, req: FastifyRequest): string {
  if (publicUrl) return publicUrl.replace(/\/+$/, '');
  const address = (req.socket.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  const host = address.includes(':') ? `[${address}]` : address;
  return `${req.protocol}://${host}:${req.socket.localPort ?? 80}`;
}
