import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import { errors } from './errors.ts';

/**
 * Replaces Fastify's body parsers with one strict JSON parser: the body must be UTF-8 and valid
 * JSON. The raw bytes are kept on the request so the gateway can forward them without re-encoding.
 * Any other content type is refused with 415 by Fastify.
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    const buf = body as Buffer;
    if (buf.length === 0) {
      done(errors.badRequest('empty_body', 'Request body is empty; expected a JSON object.'), undefined);
      return;
    }
    if (!isUtf8(buf)) {
      done(errors.badRequest('invalid_encoding', 'Request body is not valid UTF-8.'), undefined);
      return;
    }
    try {
      const parsed: unknown = JSON.parse(buf.toString('utf8'));
      req.rawBody = buf;
      done(null, parsed);
    } catch (err) {
      done(
        errors.badRequest('invalid_json', `We could not parse the JSON body of your request: ${(err as Error).message}.`),
        undefined,
      );
    }
  });
}
