/**
 * Endpoint scopes a key can be limited to. A key with `endpoints: null` may call every endpoint its
 * role allows; otherwise only the listed ones. `api` is the admin API under /api.
 */
export const ENDPOINT_SCOPES = ['chat.completions', 'responses', 'completions', 'embeddings', 'moderations', 'models', 'files', 'batches', 'api'] as const;

export type EndpointScope = (typeof ENDPOINT_SCOPES)[number];

/**
 * The scope a route belongs to, from its URL pattern (decided once per route when it is registered).
 * @example endpointScopeOf('/v1/chat/completions'); // 'chat.completions'
 */
export function endpointScopeOf(url: string): EndpointScope | undefined {
  if (url.startsWith('/api/')) return 'api';
  if (!url.startsWith('/v1/')) return undefined;
  const rest = url.slice(4);
  if (rest.startsWith('models')) return 'models';
  // /v1/files/:id/content, /v1/batches/:id/cancel: one scope per API.
  if (rest === 'files' || rest.startsWith('files/')) return 'files';
  if (rest === 'batches' || rest.startsWith('batches/')) return 'batches';
  const name = rest.replaceAll('/', '.');
  return (ENDPOINT_SCOPES as readonly string[]).includes(name) ? (name as EndpointScope) : undefined;
}
