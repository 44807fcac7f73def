import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * A per-address limit on the public /api routes (sign-in, resets, invitations, SSO, shares):
 * in-process counts, one window per minute; resolves the seconds to wait when over. 0: no limit.
 */
export function publicRateLimit(app: FastifyInstance, perMinute: number): ((req: FastifyRequest) => Promise<number | undefined>) | undefined {
  if (perMinute === 0) return undefined;
  const check = app.createRateLimit({ max: perMinute, timeWindow: 60_000 });
  return async (req) => {
    const r = await check(req);
    return !r.isAllowed && r.isExceeded ? Math.max(1, r.ttlInSeconds) : undefined;
  };
}
