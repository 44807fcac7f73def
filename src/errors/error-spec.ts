/** OpenAI's error `type` values that Tollgate uses. */
export type OpenAIErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'api_error'
  | 'server_error';

/**
 * One row of the error table: what a code means on the wire.
 * `message` is a template: `{name}` is replaced by the variable of that name given where the error
 * is raised (the variables a template needs are checked by the compiler).
 */
export interface ErrorSpec {
  status: number;
  type: OpenAIErrorType;
  message: string;
  /** Whether the same request may succeed if sent again later (sent as `x-should-retry`). */
  retry: boolean;
  /** The request field at fault when the raiser names none (OpenAI's `param`). */
  param?: string;
}

/** The `{name}` placeholders of a message template, as a union of names. */
export type TemplateVars<T extends string> = T extends `${string}{${infer K}}${infer Rest}` ? K | TemplateVars<Rest> : never;
