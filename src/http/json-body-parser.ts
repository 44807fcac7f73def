import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import { MAX_JSON_DEPTH, scanJson } from './json-scan.ts';
import { errors } from './errors.ts';

/**
 * Replaces Fastify's body parsers with one strict JSON parser: the body must be UTF-8, valid JSON,
 * nested at most 128 levels (deeper would overflow recursive code such as JSON.stringify), and
 * repeat no key within an object (JSON.parse keeps the last value, an upstream reading the raw
 * bytes may take the first: the gateway would check one request and forward another). The raw bytes
 * are kept on the request so the gateway can forward them without re-encoding. Any other content
 * type is refused with 415 by Fastify.
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
    const text = buf.toString('utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      done(
        errors.badRequest('invalid_json', `We could not parse the JSON body of your request: ${(err as Error).message}.`),
        undefined,
      );
      return;
    }
    const problem = parsed !== null && typeof parsed === 'object' ? scanJson(text) : undefined;
    if (problem) {
      const path = problem.path.slice(0, 200);
      if (problem.problem === 'too_deep') {
        done(errors.badRequest('json_too_deep', `The JSON body nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels (at '${path}').`, path), undefined);
        return;
      }
      const key = problem.key.slice(0, 100);
      const at = problem.path === problem.key ? '' : ` (at '${path}')`;
      done(errors.badRequest('duplicate_key', `The JSON body repeats the key '${key}' in one object${at}; each key may appear once.`, path), undefined);
      return;
    }
    req.rawBody = buf;
    done(null, parsed);
  });
}
