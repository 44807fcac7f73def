/**
 * @deprecated Transitional: raise errors with `fail(code, vars)` from src/errors (the error table).
 * These shorthands remain only until every throw site has moved; a test lists the sites left.
 */
import { TollgateError, type OpenAIErrorType } from '../errors/index.ts';

export { TollgateError, toTollgateError, type OpenAIErrorBody, type OpenAIErrorType } from '../errors/index.ts';

interface LegacyOptions {
  status: number;
  type: OpenAIErrorType;
  param?: string | null;
  cause?: unknown;
  headers?: Record<string, string>;
}

/** @deprecated use fail(). */
export function legacyError(code: string, message: string, o: LegacyOptions): TollgateError {
  return new TollgateError(code, message, { ...o, retry: o.status === 429 || o.status >= 500 });
}

/** @deprecated use fail(). */
export const errors = {
  badRequest: (code: string, message: string, param: string | null = null) => legacyError(code, message, { status: 400, type: 'invalid_request_error', param }),
  unauthorized: (code: string, message: string) => legacyError(code, message, { status: 401, type: 'authentication_error' }),
  forbidden: (code: string, message: string, param: string | null = null) => legacyError(code, message, { status: 403, type: 'permission_error', param }),
  notFound: (code: string, message: string, param: string | null = null) => legacyError(code, message, { status: 404, type: 'invalid_request_error', param }),
  upstream: (code: string, message: string, status = 502, cause?: unknown) => legacyError(code, message, { status, type: 'api_error', cause }),
};
