import type { FastifyInstance } from 'fastify';
import { buildOpenApiDocument } from './document.ts';

/** GET /api/openapi.json: the OpenAPI document, built once on first request. */
export async function openApiRoute(app: FastifyInstance, deps: { version: string }): Promise<void> {
  let doc: string | undefined;
  app.get('/openapi.json', async (_req, reply) => {
    doc ??= JSON.stringify(buildOpenApiDocument(deps.version));
    return reply.type('application/json; charset=utf-8').send(doc);
  });
}
