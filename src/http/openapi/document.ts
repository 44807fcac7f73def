import { z } from 'zod';
import { PUBLIC, type AnyRoute } from '../routes/index.ts';

type Json = Record<string, unknown>;

const ERROR_RESPONSE = { description: "An error in OpenAI's shape.", content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };

export interface DocumentOptions {
  version: string;
  /** The security requirements of a non-public route (the access layer knows keys, sessions and rules). */
  securityOf: (route: AnyRoute) => Json[];
  /** Extra text for a route's description (e.g. "session only"). */
  noteOf?: (route: AnyRoute) => string | undefined;
}

/**
 * The OpenAPI 3.1 document of Tollgate's HTTP API, built from the route declarations: every route,
 * the permission it needs (`x-tollgate-permission`), how to authenticate, and the params, query,
 * body and response schemas the server validates with (zod, converted once).
 * @example buildOpenApiDocument(routes, { version: '0.1.0', securityOf: () => [{ tollgateKey: [] }] })
 */
export function buildOpenApiDocument(routes: readonly AnyRoute[], options: DocumentOptions): Json {
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const path = route.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation(route, options);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tollgate',
      version: options.version,
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

function operation(route: AnyRoute, options: DocumentOptions): Json {
  const key = `${route.method} ${route.path}`;
  const note = options.noteOf?.(route);
  const op: Json = {
    operationId: key.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, ''),
    summary: route.summary,
    ...(note ? { description: note } : {}),
    tags: [tagOf(route.path)],
    'x-tollgate-permission': route.permission,
    security: route.permission === PUBLIC ? [] : options.securityOf(route),
    parameters: [...pathParameters(route), ...queryParameters(route.query)],
    responses: { [String(route.status ?? 200)]: success(route), '4XX': ERROR_RESPONSE, '5XX': ERROR_RESPONSE },
  };
  if (route.gateway) op['externalDocs'] = { description: 'Same request and response as the OpenAI API', url: 'https://platform.openai.com/docs/api-reference' };
  if (route.body) op['requestBody'] = { required: true, content: { [route.bodyMediaType ?? 'application/json']: { schema: jsonSchema(route.body, 'input') } } };
  return op;
}

function success(route: AnyRoute): Json {
  if (route.response) return { description: 'Success.', content: { [route.produces ?? 'application/json']: { schema: jsonSchema(route.response, 'output') } } };
  if (route.produces) return { description: 'Success.', content: { [route.produces]: {} } };
  return { description: 'Success.' };
}

function tagOf(path: string): string {
  if (path.startsWith('/v1/')) return 'gateway';
  const part = path.split('/')[2] ?? 'system';
  return part === 'me' || part === 'auth' ? 'sign-in' : part;
}

function pathParameters(route: AnyRoute): Json[] {
  const names = [...route.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1]!);
  const schema = route.params ? (jsonSchema(route.params, 'input') as { properties?: Record<string, Json> }) : undefined;
  return names.map((name) => ({ name, in: 'path', required: true, schema: schema?.properties?.[name] ?? { type: 'string' } }));
}

function queryParameters(query: z.ZodType | undefined): Json[] {
  if (!query) return [];
  const schema = jsonSchema(query, 'input') as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, s]) => ({ name, in: 'query', required: schema.required?.includes(name) ?? false, schema: s }));
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  delete out['$schema'];
  return out;
}
