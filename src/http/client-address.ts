import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';

/**
 * The client address of a request, as Fastify's `req.ip` computes it: the socket's peer, or with
 * `trustProxy` (TOLLGATE_TRUST_PROXY: true, or addresses/CIDRs of the proxies) the last address in
 * X-Forwarded-For that is not a trusted proxy. Built once; used where a request bypasses Fastify.
 */
export function clientAddress(trustProxy: string | boolean | undefined): (req: IncomingMessage) => string {
  if (!trustProxy) return (req) => req.socket.remoteAddress ?? '';
  const trust = trustProxy === true ? () => true : proxyAddr.compile(trustProxy.split(',').map((s) => s.trim()));
  return (req) => {
    const all = proxyAddr.all(req, trust);
    return all[all.length - 1] ?? '';
  };
}
