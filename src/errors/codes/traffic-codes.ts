import type { ErrorSpec } from '../error-spec.ts';

/**
 * Errors of the traffic module. Its 429 is OpenAI's own `rate_limit_exceeded` (the http section's
 * row: same status and type), with OpenAI's message and body type (`requests` or `tokens`): see
 * traffic/rate-limit/rate-limited-error.ts.
 */
export const TRAFFIC_CODES = {
  rate_limiter_unavailable: { status: 503, type: 'server_error', message: 'Rate limits cannot be checked right now; try again shortly.', retry: true },
  counters_unavailable: { status: 503, type: 'server_error', message: 'Budgets cannot be checked right now; try again shortly.', retry: true },
} as const satisfies Record<string, ErrorSpec>;
