import type { ErrorSpec } from '../error-spec.ts';

/** Errors of the workspace module. */
export const WORKSPACE_CODES = {
} as const satisfies Record<string, ErrorSpec>;
