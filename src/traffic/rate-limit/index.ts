export { RateLimitAdmission } from './rate-limit-admission.ts';
export { NO_SNAPSHOT, rateLimitHeaders, tightest, type LimitView, type RateLimitSnapshot } from './rate-limit-headers.ts';
export { modelMatches, parseRateLimitRules, RATE_LIMIT_SCOPES, rateLimitRuleSchema, type RateLimitRule, type RateLimitRuleInput, type RateLimitScope } from './rate-limit-rule.ts';
export { RateLimitRules, type RateLimitSubject } from './rate-limit-rules.ts';
export { RateLimitedError, type RateLimitKind, type RateLimitRefusal } from './rate-limited-error.ts';
export { RateLimiter, type RateLimiterOptions } from './rate-limiter.ts';
export { combineRateLimits, type OwnRateLimits } from './rate-limit-sources.ts';
