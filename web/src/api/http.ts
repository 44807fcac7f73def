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

const csrf: Middleware = {
  onRequest({ request }) {
    if (!SAFE.has(request.method.toUpperCase()) && csrfToken) request.headers.set('x-csrf-token', csrfToken);
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

/**
 * Awaits an openapi-fetch call made with `parseAs: 'stream'` or `'blob'` and answers its Response
 * (an event stream, a file), or throws an ApiError. An aborted request rethrows the AbortError.
 */
export async function unwrapResponse(call: Promise<FetchResult>): Promise<Response> {
  let result: FetchResult;
  try {
    result = await call;
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw ApiError.network(err);
  }
  if (!result.response.ok) throw fail(ApiError.from(result.response, result.error));
  return result.response;
}

function fail(err: ApiError): ApiError {
  if (err.status === 401 && err.code === 'session_invalid') for (const l of sessionEndedListeners) l();
  return err;
}
