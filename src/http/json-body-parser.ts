import type { FastifyInstance } from 'fastify';
import { parseJsonBody } from './json-body.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body's bytes as they arrived (JSON requests). */
    rawBody: Buffer | undefined;
  }
}

/**
 * Replaces Fastify's body parsers with one strict JSON parser (parseJsonBody: UTF-8, valid, at most
 * 128 levels deep, no repeated key). The raw bytes are kept on the request. Any other content type
 * is refused with 415 by Fastify.
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  app.decorateRequest('rawBody', undefined);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    try {
      const parsed = parseJsonBody(body as Buffer);
      req.rawBody = body as Buffer;
      done(null, parsed);
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}
