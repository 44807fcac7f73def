/** OpenAI's error `type` values that Tollgate uses. */
export type OpenAIErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'api_error'
  | 'server_error';

/** The body every error response carries, as OpenAI defines it. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export interface TollgateErrorOptions {
  status: number;
  type: OpenAIErrorType;
  param?: string | null;
  cause?: unknown;
  headers?: Record<string, string>;
}

/**
 * The one error type of Tollgate. `code` is stable: tests and users rely on it.
 * @example throw new TollgateError('invalid_api_key', 'Incorrect API key provided.', { status: 401, type: 'authentication_error' });
 */
export class TollgateError extends Error {
  override name = 'TollgateError';
  readonly code: string;
  readonly status: number;
  readonly type: OpenAIErrorType;
  readonly param: string | null;
  readonly headers: Record<string, string> | undefined;

  constructor(code: string, message: string, options: TollgateErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.type = options.type;
    this.param = options.param ?? null;
    this.headers = options.headers;
  }

  toBody(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** Shorthands for the errors raised most often. */
export const errors = {
  badRequest: (code: string, message: string, param: string | null = null) =>
    new TollgateError(code, message, { status: 400, type: 'invalid_request_error', param }),
  unauthorized: (code: string, message: string) =>
    new TollgateError(code, message, { status: 401, type: 'authentication_error' }),
  forbidden: (code: string, message: string, param: string | null = null) =>
    new TollgateError(code, message, { status: 403, type: 'permission_error', param }),
  notFound: (code: string, message: string, param: string | null = null) =>
    new TollgateError(code, message, { status: 404, type: 'invalid_request_error', param }),
  upstream: (code: string, message: string, status = 502, cause?: unknown) =>
    new TollgateError(code, message, { status, type: 'api_error', cause }),
};

interface FrameworkError {
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
}

/** Errors raised by Fastify itself, mapped to what a client of OpenAI's API would see. */
const FRAMEWORK_ERRORS: Record<string, (e: FrameworkError) => TollgateError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () =>
    new TollgateError('request_too_large', 'Request body is larger than the configured limit.', {
      status: 413,
      type: 'invalid_request_error',
    }),
  FST_ERR_CTP_EMPTY_JSON_BODY: () =>
    errors.badRequest('empty_body', 'Request body is empty; expected a JSON object.'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () =>
    new TollgateError('unsupported_media_type', "Unsupported Content-Type; send 'application/json'.", {
      status: 415,
      type: 'invalid_request_error',
    }),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () =>
    errors.badRequest('invalid_content_length', 'Request body size does not match Content-Length.'),
  FST_ERR_BAD_URL: () => errors.badRequest('invalid_url', 'The request URL is malformed: it has an invalid percent-encoding.'),
  FST_ERR_MAX_PARAM_LENGTH: () => errors.badRequest('invalid_url', 'The request URL is malformed: a path segment is too long.'),
};

/** Maps any thrown value to a TollgateError; unknown errors become a 500 that reveals nothing internal. */
export function toTollgateError(err: unknown): TollgateError {
  if (err instanceof TollgateError) return err;
  const e = (err ?? {}) as FrameworkError;
  const mapped = typeof e.code === 'string' ? FRAMEWORK_ERRORS[e.code] : undefined;
  if (mapped) return mapped(e);
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new TollgateError('invalid_request', typeof e.message === 'string' ? e.message : 'Bad request.', {
      status: e.statusCode,
      type: 'invalid_request_error',
    });
  }
  return new TollgateError('internal_error', 'The server had an error while processing your request.', {
    status: 500,
    type: 'server_error',
    cause: err,
  });
}
