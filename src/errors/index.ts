export type { ErrorSpec, OpenAIErrorType } from './error-spec.ts';
export { ERROR_TABLE, ERROR_SECTIONS, type ErrorCode } from './error-table.ts';
export { fail, isFailure, type ErrorVars, type FailOptions } from './fail.ts';
export { TollgateError, type OpenAIErrorBody, type TollgateErrorInit } from './tollgate-error.ts';
export { toTollgateError } from './to-tollgate-error.ts';
