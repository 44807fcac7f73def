/**
 * Turns a status fault into the error OpenAI would send for that status:
 * body, type/code and, for 429s, the rate-limit and Retry-After headers.
 */
import { maskApiKey } from './auth-check.ts';
import { SimulatorHttpError } from './openai-error.ts';
import type { StatusFault } from './fault-types.ts';
import { REQUESTS_PER_MINUTE, formatResetDuration, type RateLimitTracker } from './rate-limit-tracker.ts';

/** What the fault's error message may mention about the request. */
export interface FaultedRequest {
  method: string;
  path: string;
  model: string | undefined;
  /** The bearer key the client sent, if any (masked in 401 messages). */
  apiKey: string | undefined;
}

const DEFAULT_RATE_LIMIT_RETRY_SECONDS = 1;

interface StatusDefaults {
  message: string;
  type: string;
  code: string | null;
}

function defaultsFor(status: number, request: FaultedRequest, retryAfter: number): StatusDefaults {
  switch (status) {
    case 401:
      return {
        message: request.apiKey
          ? `Incorrect API key provided: ${maskApiKey(request.apiKey)}. You can find your API key at https://platform.openai.com/account/api-keys.`
          : "You didn't provide an API key.",
        type: 'invalid_request_error',
        code: 'invalid_api_key',
      };
    case 403:
      return { message: 'You are not allowed to access this resource.', type: 'invalid_request_error', code: null };
    case 404:
      return request.model !== undefined
        ? {
          message: `The model \`${request.model}\` does not exist or you do not have access to it.`,
          type: 'invalid_request_error',
          code: 'model_not_found',
        }
        : { message: `Invalid URL (${request.method} ${request.path})`, type: 'invalid_request_error', code: null };
    case 429:
      return {
        message: `Rate limit reached for ${request.model ?? 'requests'} in organization org-tollgate-simulator on requests per min (RPM): `
          + `Limit ${REQUESTS_PER_MINUTE}, Used ${REQUESTS_PER_MINUTE}, Requested 1. Please try again in ${formatResetDuration(retryAfter * 1000)}. `
          + 'Visit https://platform.openai.com/account/rate-limits to learn more.',
        type: 'requests',
        code: 'rate_limit_exceeded',
      };
    case 500:
      return { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', code: null };
    case 502:
      return { message: 'Bad gateway.', type: 'server_error', code: null };
    case 503:
      return { message: 'The server is overloaded or not ready yet.', type: 'server_error', code: null };
    case 504:
      return { message: 'Gateway timeout.', type: 'server_error', code: null };
    default:
      return status >= 500
        ? { message: 'The server had an error while processing your request.', type: 'server_error', code: null }
        : { message: `The simulator rejected this request with status ${status}.`, type: 'invalid_request_error', code: null };
  }
}

/** Builds the error (with headers) a status fault answers with. */
export function statusFaultError(fault: StatusFault, request: FaultedRequest, rateLimits: RateLimitTracker): SimulatorHttpError {
  const retryAfter = fault.retry_after ?? (fault.status === 429 ? DEFAULT_RATE_LIMIT_RETRY_SECONDS : undefined);
  const defaults = defaultsFor(fault.status, request, retryAfter ?? 0);
  const headers: Record<string, string> = fault.status === 429 ? rateLimits.exhausted(retryAfter ?? 0) : {};
  if (retryAfter !== undefined) {
    // Retry-After only carries whole seconds; the precise value goes in retry-after-ms.
    headers['retry-after'] = String(Math.ceil(retryAfter));
    headers['retry-after-ms'] = String(Math.round(retryAfter * 1000));
  }
  return new SimulatorHttpError(
    fault.status,
    fault.message ?? defaults.message,
    fault.type ?? defaults.type,
    null,
    fault.code ?? defaults.code,
    headers,
  );
}
