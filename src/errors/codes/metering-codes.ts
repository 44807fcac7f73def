import type { ErrorSpec } from '../error-spec.ts';

/** Errors of the metering module. */
export const METERING_CODES = {
  usage_not_found: { status: 404, type: 'invalid_request_error', message: "No usage record for request '{id}'.", retry: false, param: 'id' },
} as const satisfies Record<string, ErrorSpec>;
