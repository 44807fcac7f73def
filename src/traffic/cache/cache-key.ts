import { createHash } from 'node:crypto';
import { stableJson } from './stable-json.ts';

/** Endpoints whose answers may be cached. */
export type CacheableEndpoint = 'chat' | 'responses' | 'completions' | 'embeddings';

/**
 * Request fields that do not change the answer's content: how it is delivered (stream), who is
 * asking for the upstream's abuse tracking (user, safety_identifier), what the upstream keeps
 * (store, metadata), its own prompt cache and tier.
 */
const NOT_IN_KEY = new Set(['stream', 'stream_options', 'user', 'safety_identifier', 'metadata', 'store', 'prompt_cache_key', 'service_tier']);

export interface CacheKeyInput {
  /** The caller's organization: entries are never shared across organizations. */
  orgId: string;
  endpoint: CacheableEndpoint;
  /** The model that will serve the request (after alias resolution). */
  model: string;
  body: Readonly<Record<string, unknown>>;
}

/**
 * The cache key of a request: organization and endpoint in clear (so one organization's entries can be
 * found and dropped), then a SHA-256 of the request's model, messages or input, tools and every
 * parameter that shapes the answer, serialized with keys in a stable order.
 * @example cacheKey({ orgId: 'org_1', endpoint: 'chat', model: 'gpt-4o', body }) // 'rc:org_1:chat:3q2+…'
 */
export function cacheKey(input: CacheKeyInput): string {
  const shaped: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input.body)) if (!NOT_IN_KEY.has(k)) shaped[k] = v;
  shaped.model = input.model;
  const digest = createHash('sha256').update(stableJson(shaped)).digest('base64url');
  return `rc:${encodeURIComponent(input.orgId)}:${input.endpoint}:${digest}`;
}
