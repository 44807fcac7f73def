import { z } from 'zod';

/** Who a rate limit applies to: one key, user, team or organization, or every caller of a model. */
export const RATE_LIMIT_SCOPES = ['key', 'user', 'team', 'org', 'model'] as const;
export type RateLimitScope = (typeof RATE_LIMIT_SCOPES)[number];

const modelPattern = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^*\s]+\*?$|^\*$/, 'a model name, a prefix ending in *, or *');

/**
 * One rate limit as written in `tollgate.yaml` or sent to the API (snake_case, strict: a misspelt
 * field is an error, not a limit silently not applied).
 */
export const rateLimitRuleSchema = z
  .strictObject({
    scope: z.enum(RATE_LIMIT_SCOPES),
    /** The key, user, team or organization id; for `model`, the model name or pattern (`gpt-4o*`). */
    scope_id: z.string().min(1).max(200),
    /** Narrows a key/user/team/org limit to models matching this pattern; one count for all of them. */
    model: modelPattern.optional(),
    requests_per_minute: z.number().int().min(1).max(1_000_000_000).optional(),
    tokens_per_minute: z.number().int().min(1).max(1_000_000_000_000).optional(),
    max_concurrent: z.number().int().min(1).max(1_000_000).optional(),
  })
  .refine((r) => r.requests_per_minute !== undefined || r.tokens_per_minute !== undefined || r.max_concurrent !== undefined, {
    message: 'a rate limit needs at least one of requests_per_minute, tokens_per_minute, max_concurrent',
  })
  .refine((r) => r.scope !== 'model' || r.model === undefined, { message: "a 'model' scope names its model in scope_id", path: ['model'] })
  .refine((r) => r.scope !== 'model' || modelPattern.safeParse(r.scope_id).success, { message: 'not a model name or pattern', path: ['scope_id'] });

export type RateLimitRuleInput = z.input<typeof rateLimitRuleSchema>;

/** A validated rate limit with the counter keys it uses (computed once, not per request). */
export interface RateLimitRule {
  scope: RateLimitScope;
  scopeId: string;
  /** Model pattern the rule is narrowed to; for scope `model` the pattern is `scopeId`. */
  model: string | undefined;
  requestsPerMinute: number | undefined;
  tokensPerMinute: number | undefined;
  maxConcurrent: number | undefined;
  /** Counter keys: requests bucket, tokens bucket, concurrency slots. */
  keys: { requests: string; tokens: string; concurrency: string };
  /** Short human name for messages, e.g. `team team_1 on gpt-4o*`. */
  label: string;
}

/**
 * Validates rules and computes their counter keys. Throws the zod error (with the path of the bad
 * field) for invalid input.
 * @example parseRateLimitRules([{ scope: 'key', scope_id: 'key_1', requests_per_minute: 60 }])
 */
export function parseRateLimitRules(input: unknown): RateLimitRule[] {
  return z.array(rateLimitRuleSchema).max(10_000).parse(input).map(toRule);
}

function toRule(r: z.output<typeof rateLimitRuleSchema>): RateLimitRule {
  const model = r.scope === 'model' ? r.scope_id : r.model;
  // Ids and model names are URI-encoded so no two rules can produce the same key (model names may hold ':').
  const base = `rl:${r.scope}:${encodeURIComponent(r.scope_id)}:${r.scope === 'model' ? '' : encodeURIComponent(r.model ?? '')}`;
  return {
    scope: r.scope,
    scopeId: r.scope_id,
    model,
    requestsPerMinute: r.requests_per_minute,
    tokensPerMinute: r.tokens_per_minute,
    maxConcurrent: r.max_concurrent,
    keys: { requests: `${base}:r`, tokens: `${base}:t`, concurrency: `${base}:c` },
    label: r.scope === 'model' ? `model ${r.scope_id}` : `${r.scope} ${r.scope_id}${r.model ? ` on ${r.model}` : ''}`,
  };
}

/** Whether `model` matches a rule's pattern (exact, `prefix*`, or `*`). */
export function modelMatches(pattern: string | undefined, model: string): boolean {
  if (pattern === undefined || pattern === '*') return true;
  return pattern.endsWith('*') ? model.startsWith(pattern.slice(0, -1)) : model === pattern;
}
