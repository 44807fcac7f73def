import type { ErrorSpec } from '../error-spec.ts';

/** Errors of the access module. */
export const ACCESS_CODES = {
} as const satisfies Record<string, ErrorSpec>;
