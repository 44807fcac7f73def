import { ERROR_TABLE, type ErrorCode } from './error-table.ts';
import type { ErrorSpec, TemplateVars } from './error-spec.ts';
import { TollgateError } from './tollgate-error.ts';

type Template<C extends ErrorCode> = (typeof ERROR_TABLE)[C]['message'];
/** The variables a code's message needs. */
export type ErrorVars<C extends ErrorCode> = { readonly [K in TemplateVars<Template<C>>]: string | number };

export interface FailOptions {
  /** The request field at fault (OpenAI's `param`); default: the `param` variable, else the table's. */
  param?: string | null | undefined;
  headers?: Record<string, string> | undefined;
  cause?: unknown;
}

type Args<C extends ErrorCode> = [TemplateVars<Template<C>>] extends [never]
  ? [vars?: Record<string, never>, options?: FailOptions]
  : [vars: ErrorVars<C>, options?: FailOptions];

const PLACEHOLDER = /\{([A-Za-z_]+)\}/g;

/**
 * Builds the TollgateError of a code of the error table, its message filled from `vars`.
 * @example throw fail('invalid_parameter', { param: 'team_id', reason: 'a service key belongs to a team' });
 * @example throw fail('invalid_api_key');
 */
export function fail<C extends ErrorCode>(code: C, ...[vars, options]: Args<C>): TollgateError {
  const spec = ERROR_TABLE[code];
  const values = (vars ?? {}) as Record<string, string | number>;
  const message = spec.message.includes('{') ? spec.message.replace(PLACEHOLDER, (_, name: string) => String(values[name] ?? `{${name}}`)) : spec.message;
  const spec_ = spec as ErrorSpec;
  const param = options?.param !== undefined ? options.param : typeof values['param'] === 'string' ? values['param'] : (spec_.param ?? null);
  return new TollgateError(code, message, {
    status: spec.status,
    type: spec.type,
    retry: spec.retry,
    param,
    cause: options?.cause,
    headers: options?.headers,
  });
}

/** Whether an error is a TollgateError of one of these codes. */
export function isFailure(err: unknown, ...codes: ErrorCode[]): err is TollgateError {
  return err instanceof TollgateError && (codes.length === 0 || (codes as string[]).includes(err.code));
}
