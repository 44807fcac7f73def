import type { OpenAIErrorType } from './error-spec.ts';

/** The body every error response carries, as OpenAI defines it. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export interface TollgateErrorInit {
  status: number;
  type: OpenAIErrorType;
  /** Whether sending the same request again later may succeed (`x-should-retry`); default: for 429 and 5xx. */
  retry?: boolean | undefined;
  param?: string | null | undefined;
  cause?: unknown;
  headers?: Record<string, string> | undefined;
}

/**
 * The one error type of Tollgate. Raise it with `fail(code, vars)` (src/errors/fail.ts), which takes
 * status, type, message and retry from the error table; only errors relayed from the upstream are
 * built directly (their codes are OpenAI's, not ours). `code` is stable: tests and users rely on it.
 */
export class TollgateError extends Error {
  override name = 'TollgateError';
  readonly code: string;
  readonly status: number;
  readonly type: OpenAIErrorType;
  readonly param: string | null;
  readonly retry: boolean;
  readonly headers: Record<string, string> | undefined;

  constructor(code: string, message: string, init: TollgateErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = code;
    this.status = init.status;
    this.type = init.type;
    this.param = init.param ?? null;
    this.retry = init.retry ?? (init.status === 429 || init.status >= 500);
    this.headers = init.headers;
  }

  toBody(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }

  /** The headers of the error response: its own, and `x-should-retry` from the table unless set. */
  responseHeaders(): Record<string, string> {
    const retry = this.retry ? 'true' : 'false';
    if (!this.headers) return { 'x-should-retry': retry };
    return 'x-should-retry' in this.headers ? this.headers : { ...this.headers, 'x-should-retry': retry };
  }
}
