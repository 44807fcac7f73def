/** An error answered by Tollgate (OpenAI's error shape) or a failure to reach it. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string | null,
    message: string,
    readonly param: string | null = null,
    readonly type: string | null = null,
    readonly requestId: string | null = null,
    /** Seconds from Retry-After, when the server sent one. */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }

  /** Builds the error from a non-2xx response and its parsed body (if it was JSON). */
  static from(response: Response, body: unknown): ApiError {
    const e = (body as { error?: { message?: unknown; code?: unknown; param?: unknown; type?: unknown } } | undefined)?.error;
    const retry = Number(response.headers.get('retry-after'));
    return new ApiError(
      response.status,
      typeof e?.code === 'string' ? e.code : null,
      typeof e?.message === 'string' ? e.message : `${response.status} ${response.statusText}`,
      typeof e?.param === 'string' ? e.param : null,
      typeof e?.type === 'string' ? e.type : null,
      response.headers.get('x-request-id'),
      Number.isFinite(retry) && retry > 0 ? retry : null,
    );
  }

  /** Tollgate could not be reached at all (offline, server down, connection cut). */
  static network(cause: unknown): ApiError {
    const err = new ApiError(0, 'network_error', cause instanceof Error ? cause.message : String(cause));
    return err;
  }

  /** The route does not exist on this server (e.g. a part of the app whose backend is not there yet). */
  get isMissingRoute(): boolean {
    return this.status === 404 && this.code === 'unknown_url';
  }
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError;
}
