import type { ErrorSpec } from '../error-spec.ts';

/** Errors of the traffic module. */
export const TRAFFIC_CODES = {
} as const satisfies Record<string, ErrorSpec>;
