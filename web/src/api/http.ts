import createClient, { type Middleware } from 'openapi-fetch';
import { ApiError } from './api-error.ts';
import type { paths } from './schema.gen.ts';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
let csrfToken: string | undefined;
const sessionEndedListeners = new Set<() => void>();

/** The session's CSRF token (from sign-in, invitation acceptance or GET /api/me), sent on every write. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called when any request finds the session ended (401 session_invalid): the app goes to sign-in. */
export function onSessionEnded(listener: () => void): () => void {
  sessionEndedListeners.add(listener);
  return () => sessionEndedListeners.delete(listener);
}

function withCsrf(headers: Headers, method: string): void {
  if (!SAFE.has(method.toUpperCase()) && csrfToken) headers.set('x-csrf-token', csrfToken);
}

const csrf: Middleware = {
  onRequest({ request }) {
    withCsrf(request.headers, request.method);
    return request;
  },
};

/**
 * The typed client of Tollgate's API: paths, query parameters and bodies are checked against the
 * server's OpenAPI document (schema.gen.ts). Use with `unwrap` to get the answer or an ApiError.
 * @example const keys = await unwrap<List<ApiKey>>(api.GET('/api/keys', { params: { query: { team_id } } }));
 */
export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(csrf);

interface FetchResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** Awaits an openapi-fetch call: the parsed answer, or a thrown ApiError in words the app can show. */
export async function unwrap<T>(call: Promise<FetchResult>): Promise<T> {
  let result: FetchResult;
  try {
    result = await call;
  } catch (err) {
    throw ApiError.network(err);
  }
  if (!result.response.ok) throw fail(ApiError.from(result.response, result.error));
  return result.data as T;
}

function fail(err: ApiError): ApiError {
  if (err.status === 401 && err.code === 'session_invalid') for (const l of sessionEndedListeners) l();
  return err;
}

export interface RawRequest {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  query?: Record<string, string | number | boolean | undefined | null>;
  body?: unknown;
  signal?: AbortSignal;
  accept?: string;
}

/**
 * A request to a route the generated schema does not have yet (the workspace API of
 * /work/contracts/conversations-api.md, which arrives on another branch). Same CSRF and error handling
 * as `api`. Answers the Response when `raw` is set (streams, downloads), else the parsed JSON.
 */
export async function request<T>(path: string, init: RawRequest & { raw: true }): Promise<Response>;
export async function request<T>(path: string, init?: RawRequest): Promise<T>;
export async function request<T>(path: string, init: RawRequest & { raw?: boolean } = {}): Promise<T | Response> {
  const method = init.method ?? (init.body === undefined ? 'GET' : 'POST');
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(init.query ?? {})) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const headers = new Headers({ accept: init.accept ?? 'application/json' });
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  withCsrf(headers, method);
  let response: Response;
  try {
    response = await fetch(qs.size ? `${path}?${qs}` : path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      ...(init.signal ? { signal: init.signal } : {}),
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw ApiError.network(err);
  }
  if (!response.ok) {
    const body = await response.json().catch(() => undefined);
    throw fail(ApiError.from(response, body));
  }
  if ('raw' in init && init.raw) return response;
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}
