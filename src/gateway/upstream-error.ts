import type { Dispatcher } from 'undici';
import { fail, TollgateError, type OpenAIErrorType } from '../errors/index.ts';

/** Upstream response headers a client of OpenAI relies on (retry pacing, rate-limit state). */
export const PASSED_HEADERS = [
  'retry-after',
  'retry-after-ms',
  'x-ratelimit-limit-requests',
  'x-ratelimit-remaining-requests',
  'x-ratelimit-reset-requests',
  'x-ratelimit-limit-tokens',
  'x-ratelimit-remaining-tokens',
  'x-ratelimit-reset-tokens',
  'x-should-retry',
] as const;

export function passedHeaders(headers: Dispatcher.ResponseData['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of PASSED_HEADERS) {
    const v = headers[name];
    if (typeof v === 'string') out[name] = v;
  }
  return out;
}

// Anything shaped like an OpenAI secret key, masked or not, is removed from upstream text.
const SECRET_LIKE = /\bsk-[A-Za-z0-9_*.-]{3,}/g;

const TYPE_BY_STATUS: Record<number, OpenAIErrorType> = {
  400: 'invalid_request_error',
  404: 'invalid_request_error',
  409: 'invalid_request_error',
  413: 'invalid_request_error',
  422: 'invalid_request_error',
  429: 'rate_limit_error',
};

/**
 * Turns an upstream error response into the error Tollgate sends. The upstream's own
 * authentication failures become a 502: the caller's Tollgate key was fine, and the upstream's
 * message may describe (part of) the upstream key.
 */
export function upstreamError(status: number, bodyText: string, headers: Dispatcher.ResponseData['headers'], redact: (s: string) => string): TollgateError {
  if (status === 401 || status === 403) {
    return fail('upstream_auth_failed');
  }
  let message = `Upstream returned HTTP ${status}.`;
  let type: string | undefined;
  let code: string | null = null;
  let param: string | null = null;
  try {
    const parsed = JSON.parse(bodyText) as { error?: { message?: unknown; type?: unknown; code?: unknown; param?: unknown } };
    const e = parsed.error;
    if (e && typeof e === 'object') {
      if (typeof e.message === 'string') message = e.message;
      if (typeof e.type === 'string') type = e.type;
      if (typeof e.code === 'string') code = e.code;
      if (typeof e.param === 'string') param = e.param;
    }
  } catch {
    // Not JSON: keep the generic message rather than relaying an arbitrary upstream page.
  }
  message = redact(message).replace(SECRET_LIKE, 'sk-[redacted]');
  const passed = passedHeaders(headers);
  // A spent quota upstream is not fixed by retrying soon, whatever Retry-After says.
  if (status === 429 && (type === 'insufficient_quota' || code === 'insufficient_quota')) passed['x-should-retry'] = 'false';
  return new TollgateError(code ?? `upstream_${status}`, message, {
    status: status >= 400 && status < 600 ? status : 502,
    type: (type as OpenAIErrorType | undefined) ?? TYPE_BY_STATUS[status] ?? 'api_error',
    param,
    headers: passed,
  });
}
