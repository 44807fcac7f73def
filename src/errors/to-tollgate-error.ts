import { fail } from './fail.ts';
import { TollgateError } from './tollgate-error.ts';

interface FrameworkError {
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
}

/** Errors raised by Fastify itself, mapped to what a client of OpenAI's API would see. */
const FRAMEWORK_ERRORS: Record<string, () => TollgateError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => fail('request_too_large'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => fail('empty_body'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => fail('unsupported_media_type'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => fail('invalid_content_length'),
  FST_ERR_BAD_URL: () => fail('invalid_url', { reason: 'it has an invalid percent-encoding' }),
  FST_ERR_MAX_PARAM_LENGTH: () => fail('invalid_url', { reason: 'a path segment is too long' }),
};

/** Maps any thrown value to a TollgateError; unknown errors become a 500 that reveals nothing internal. */
export function toTollgateError(err: unknown): TollgateError {
  if (err instanceof TollgateError) return err;
  const e = (err ?? {}) as FrameworkError;
  const mapped = typeof e.code === 'string' ? FRAMEWORK_ERRORS[e.code] : undefined;
  if (mapped) return mapped();
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return fail('invalid_request', { reason: typeof e.message === 'string' ? e.message : 'Bad request.' });
  }
  return fail('internal_error', {}, { cause: err });
}
