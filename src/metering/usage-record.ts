/** One row of the usage ledger: ids and numbers only, never message content. */
export interface UsageRecord {
  request_id: string;
  created_at: number;
  key_id: string | null;
  endpoint: string;
  model_requested: string | null;
  model_served: string | null;
  status: number;
  stream: number;
  prompt_tokens: number;
  cached_tokens: number;
  completion_tokens: number;
  reasoning_tokens: number;
  latency_ms: number;
  upstream_request_id: string | null;
  /** Set when the request did not complete normally (`client_closed`, `upstream_interrupted`, an error code…). */
  error_code: string | null;
}

/** Token counts as reported by the upstream's `usage` object (chat, responses, completions, embeddings). */
export interface TokenUsage {
  prompt: number;
  cached: number;
  completion: number;
  reasoning: number;
}

type Usage = Record<string, unknown>;
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.trunc(v) : 0);
const obj = (v: unknown): Usage | undefined => (v !== null && typeof v === 'object' ? (v as Usage) : undefined);

/**
 * Reads an upstream `usage` object in either API's vocabulary
 * (chat/completions: prompt_tokens/completion_tokens; responses: input_tokens/output_tokens).
 */
export function readUsage(value: unknown): TokenUsage | undefined {
  const u = obj(value);
  if (!u) return undefined;
  if ('input_tokens' in u || 'output_tokens' in u) {
    return {
      prompt: num(u.input_tokens),
      cached: num(obj(u.input_tokens_details)?.cached_tokens),
      completion: num(u.output_tokens),
      reasoning: num(obj(u.output_tokens_details)?.reasoning_tokens),
    };
  }
  return {
    prompt: num(u.prompt_tokens),
    cached: num(obj(u.prompt_tokens_details)?.cached_tokens),
    completion: num(u.completion_tokens),
    reasoning: num(obj(u.completion_tokens_details)?.reasoning_tokens),
  };
}
