import { parseRateLimitRules, type RateLimitRule } from './rate-limit-rule.ts';
import { RateLimitRules } from './rate-limit-rules.ts';

/** Limits a key or team carries of its own (set through the API, read from the store by access). */
export interface OwnRateLimits {
  scope: 'key' | 'team';
  id: string;
  limits: { requests_per_minute?: number; tokens_per_minute?: number; max_concurrent?: number };
}

/**
 * The limits in force: the configured rules (already parsed at start) plus every key's and team's
 * own. A stored value the rule schema refuses (edited by hand) is skipped and reported, not fatal.
 * @example limiter.setRules(combineRateLimits(configured, await storedRateLimits(store), (id) => log.warn(...)))
 */
export function combineRateLimits(configured: readonly RateLimitRule[], own: readonly OwnRateLimits[], onInvalid?: (id: string, err: unknown) => void): RateLimitRules {
  const rules = [...configured];
  for (const o of own) {
    try {
      rules.push(...parseRateLimitRules([{ scope: o.scope, scope_id: o.id, ...o.limits }]));
    } catch (err) {
      onInvalid?.(o.id, err);
    }
  }
  return new RateLimitRules(rules);
}
