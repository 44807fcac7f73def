import type { FastifyInstance } from 'fastify';
import { errors } from '../http/errors.ts';
import type { KeyService } from './key-service.ts';

/** Guards a route scope: only admin keys pass. (Sessions and roles arrive with the access issue.) */
export function requireAdmin(app: FastifyInstance, keys: KeyService): void {
  app.addHook('onRequest', async (req) => {
    const principal = await keys.authenticate(req.headers.authorization);
    if (principal.role !== 'admin') {
      throw errors.forbidden('admin_required', 'This endpoint requires an admin key.');
    }
  });
}
