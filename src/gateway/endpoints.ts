import type { z } from 'zod';
import { endpointScopeOf } from '../access/index.ts';
import { defineRoute, type AnyRoute } from '../http/index.ts';
import { chatCompletionBody, completionBody, embeddingBody, moderationBody, responseBody } from './body-schemas.ts';
import type { StreamKind } from './reply/sse-relay.ts';

/** An endpoint of the OpenAI API that the gateway serves. Adding one is adding a row to ENDPOINTS. */
export interface GatewayEndpoint {
  method: 'GET' | 'POST';
  /** The route pattern, as the ledger and the permission list name it: `/v1/chat/completions`, `/v1/models/:id`. */
  route: string;
  /** The key scope that allows it (`chat.completions`, `models`, …). */
  scope: string;
  summary: string;
  /** The fields of the body the gateway checks (POST); everything else passes through untouched. */
  schema?: z.ZodType;
  /** How its stream is framed, or undefined when it cannot stream. */
  streamKind?: StreamKind;
  /** Whether the upstream accepts `stream_options.include_usage` (so the gateway can ask for usage). */
  usageChunk?: boolean;
  /** Model used when the body names none (moderations). */
  defaultModel?: string;
}

const post = (route: string, schema: z.ZodType, extra: Partial<GatewayEndpoint> = {}): GatewayEndpoint => ({
  method: 'POST',
  route,
  scope: endpointScopeOf(route) ?? route,
  schema,
  summary: `OpenAI's ${route.slice(3)} endpoint, with the same request and response; the fields shown are the ones Tollgate checks.`,
  ...extra,
});

export const ENDPOINTS: readonly GatewayEndpoint[] = [
  post('/v1/chat/completions', chatCompletionBody, { streamKind: 'chat', usageChunk: true }),
  post('/v1/responses', responseBody, { streamKind: 'responses' }),
  post('/v1/completions', completionBody, { streamKind: 'completions', usageChunk: true }),
  post('/v1/embeddings', embeddingBody),
  post('/v1/moderations', moderationBody, { defaultModel: 'omni-moderation-latest' }),
  { method: 'GET', route: '/v1/models', scope: 'models', summary: 'The models the key may use.' },
  { method: 'GET', route: '/v1/models/:id', scope: 'models', summary: 'One model, if the key may use it.' },
];

const fixed = new Map(ENDPOINTS.filter((e) => !e.route.includes(':')).map((e) => [`${e.method} ${e.route}`, e]));
const MODEL_PREFIX = '/v1/models/';
const modelById = ENDPOINTS.find((e) => e.route === '/v1/models/:id')!;

/** The endpoint a request asks for, and its path parameter; undefined for a path the gateway does not serve. */
export function matchEndpoint(method: string, path: string): { endpoint: GatewayEndpoint; param?: string } | undefined {
  const endpoint = fixed.get(`${method} ${path}`);
  if (endpoint) return { endpoint };
  if (method === 'GET' && path.startsWith(MODEL_PREFIX) && path.length > MODEL_PREFIX.length && !path.includes('/', MODEL_PREFIX.length)) {
    return { endpoint: modelById, param: path.slice(MODEL_PREFIX.length) };
  }
  return undefined;
}

/** The gateway's routes as declarations (permission, body schema): for the permission list and the OpenAPI document. */
export function gatewayRouteDocs(): AnyRoute[] {
  return ENDPOINTS.map((e) =>
    defineRoute({ method: e.method, path: e.route, permission: 'gateway.call', summary: e.summary, gateway: true, ...(e.schema ? { body: e.schema } : {}) }),
  );
}
