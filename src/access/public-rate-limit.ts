import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Counters } from '../state/index.ts';

/**
 * A per-address limit on the public /api routes (sign-in, resets, invitations, SSO, shares); resolves
 * the seconds to wait when over. 0: no limit. In-process counts, one window per minute; with shared
 * `counters` (Redis) one bucket per address for every instance, falling back to the in-process count
 * while the counters cannot be reached (a per-instance limit rather than none, or a locked door).
 */
export function publicRateLimit(app: FastifyInstance, perMinute: number, counters?: Counters): ((req: FastifyRequest) => Promise<number | undefined>) | undefined {
  if (perMinute === 0) return undefined;
  const check = app.createRateLimit({ max: perMinute, timeWindow: 60_000 });
  const local = async (req: FastifyRequest) => {
    const r = await check(req);
    return !r.isAllowed && r.isExceeded ? Math.max(1, r.ttlInSeconds) : undefined;
  };
  if (!counters) return local;
  return async (req) => {
    try {
      const r = await counters.take([{ key: `pub:${req.ip}`, limit: perMinute, windowMs: 60_000, amount: 1 }]);
      return r.ok ? undefined : Math.max(1, Math.ceil(r.retryAfterMs / 1_000));
    } catch {
      return local(req);
    }
  };
}
