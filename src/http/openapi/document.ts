import { z } from 'zod';
import { ACTION_TABLE, isAction } from '../../access/permissions/actions.ts';
import { ACCOUNT, isSelfRule, PUBLIC, ROUTE_PERMISSIONS } from '../../access/permissions/route-permissions.ts';
import { routeDoc } from './route-docs.ts';

type Json = Record<string, unknown>;

const ERROR_RESPONSE = { description: "An error in OpenAI's shape.", content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };

/**
 * The OpenAPI 3.1 document of Tollgate's HTTP API: every route of ROUTE_PERMISSIONS (so every
 * route the server has), with the permission it needs (`x-tollgate-permission`), how to
 * authenticate, and request schemas generated from the same zod schemas the handlers validate with.
 * @example const doc = buildOpenApiDocument('0.1.0'); doc.paths['/api/keys'].post.requestBody
 */
export function buildOpenApiDocument(version: string): Json {
  const paths: Record<string, Json> = {};
  for (const [key, rule] of Object.entries(ROUTE_PERMISSIONS)) {
    const [method, url] = key.split(' ') as [string, string];
    if (!isApiUrl(url)) continue;
    const path = url.replace(/:([A-Za-z]+)/g, '{$1}');
    paths[path] ??= {};
    paths[path][method.toLowerCase()] = operation(key, url, rule);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tollgate',
      version,
      description:
        'OpenAI-compatible gateway (/v1, same contract as the OpenAI API) and its administration API (/api). Errors always have OpenAI\'s shape {"error":{"message","type","param","code"}}.',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: {
        tollgateKey: { type: 'http', scheme: 'bearer', description: 'A Tollgate key (tg-…): personal or service key.' },
        session: { type: 'apiKey', in: 'cookie', name: 'tg_session', description: 'A session cookie from sign-in; state-changing requests also need the x-csrf-token header.' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['message', 'type', 'param', 'code'],
              properties: { message: { type: 'string' }, type: { type: 'string' }, param: { type: ['string', 'null'] }, code: { type: ['string', 'null'] } },
            },
          },
        },
      },
    },
  };
}

function operation(key: string, url: string, rule: string): Json {
  const doc = routeDoc(key);
  const isGateway = url.startsWith('/v1/');
  const summary = doc?.summary ?? (isAction(rule) ? ACTION_TABLE[rule].summary : isSelfRule(rule) ? 'Your own account.' : 'Public.');
  const op: Json = {
    operationId: key.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, ''),
    summary,
    tags: [tagOf(url)],
    'x-tollgate-permission': rule,
    security: rule === PUBLIC ? [] : rule === ACCOUNT ? [{ session: [] }] : isGateway ? [{ tollgateKey: [] }] : [{ tollgateKey: [] }, { session: [] }],
    parameters: [...pathParameters(url), ...queryParameters(doc?.query)],
    responses: { '200': { description: 'Success.' }, '4XX': ERROR_RESPONSE, '5XX': ERROR_RESPONSE },
  };
  if (isGateway) op['externalDocs'] = { description: 'Same request and response as the OpenAI API', url: 'https://platform.openai.com/docs/api-reference' };
  if (doc?.body) op['requestBody'] = { required: true, content: { 'application/json': { schema: jsonSchema(doc.body) } } };
  return op;
}

/** The routes the document describes: the gateway, the API and the probes; not the web app's pages and files. */
function isApiUrl(url: string): boolean {
  return url.startsWith('/api/') || url.startsWith('/v1/') || url === '/health' || url === '/ready';
}

function tagOf(url: string): string {
  if (url.startsWith('/v1/')) return 'gateway';
  const part = url.split('/')[2] ?? 'system';
  return part === 'me' || part === 'auth' ? 'sign-in' : part;
}

function pathParameters(url: string): Json[] {
  return [...url.matchAll(/:([A-Za-z]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
}

function queryParameters(query: z.ZodType | undefined): Json[] {
  if (!query) return [];
  const schema = jsonSchema(query) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, s]) => ({ name, in: 'query', required: schema.required?.includes(name) ?? false, schema: s }));
}

function jsonSchema(schema: z.ZodType): Json {
  const out = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  delete out['$schema'];
  return out;
}
