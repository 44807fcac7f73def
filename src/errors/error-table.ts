import type { ErrorSpec } from './error-spec.ts';
import { ACCESS_CODES } from './codes/access-codes.ts';
import { GATEWAY_CODES } from './codes/gateway-codes.ts';
import { GUARD_CODES } from './codes/guard-codes.ts';
import { HTTP_CODES } from './codes/http-codes.ts';
import { METERING_CODES } from './codes/metering-codes.ts';
import { TRAFFIC_CODES } from './codes/traffic-codes.ts';
import { WORKSPACE_CODES } from './codes/workspace-codes.ts';

/**
 * THE error table: every error code Tollgate itself sends, with its HTTP status, OpenAI error
 * `type`, message template and whether a retry can help (`x-should-retry`). Each module keeps its
 * rows in codes/<module>-codes.ts; a code appears in one of them only (a test checks). docs/errors.md
 * is generated from it (`npm run docs:errors`); a test keeps them equal.
 */
export const ERROR_TABLE = {
  ...HTTP_CODES,
  ...GATEWAY_CODES,
  ...ACCESS_CODES,
  ...METERING_CODES,
  ...WORKSPACE_CODES,
  ...TRAFFIC_CODES,
  ...GUARD_CODES,
} as const satisfies Record<string, ErrorSpec>;

/** The sections of the table, by module (for the uniqueness test and the docs). */
export const ERROR_SECTIONS: Readonly<Record<string, Readonly<Record<string, ErrorSpec>>>> = {
  http: HTTP_CODES,
  gateway: GATEWAY_CODES,
  access: ACCESS_CODES,
  metering: METERING_CODES,
  workspace: WORKSPACE_CODES,
  traffic: TRAFFIC_CODES,
  guard: GUARD_CODES,
};

export type ErrorCode = keyof typeof ERROR_TABLE;
