import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A route anyone may call, without a key or session. Other permission names belong to the access module. */
export const PUBLIC = 'public';

/** What a handler gets: the validated params, query and body, and the raw request and reply. */
export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  req: FastifyRequest;
  reply: FastifyReply;
}

type Schema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/**
 * One route, declared once: from this come the handler's validated input, the permission the
 * access layer enforces, the OpenAPI document and the coverage list of the isolation test.
 * The http layer does not interpret `permission` beyond PUBLIC; the composition root hands it to
 * the access layer.
 */
export interface RouteSpec<PS extends Schema | undefined = Schema | undefined, QS extends Schema | undefined = Schema | undefined, BS extends Schema | undefined = Schema | undefined, R = unknown> {
  method: HttpMethod;
  /** The full path, Fastify style: `/api/keys/:id`. */
  path: string;
  /** An action of the permission matrix, PUBLIC, or another rule the access layer knows. */
  permission: string;
  /** One sentence for the OpenAPI document. */
  summary: string;
  params?: PS;
  query?: QS;
  body?: BS;
  /** The body's media type in the document when it is not JSON (a multipart upload): `body` then describes its fields. */
  bodyMediaType?: string;
  /** The success body's schema (documented; checked in tests with TOLLGATE_CHECK_RESPONSES=on). */
  response?: z.ZodType<R>;
  /** The success status: 200 unless said. */
  status?: number;
  /** The response is not JSON (a file, a redirect, a stream): named for the document. */
  produces?: string;
  /** Served by the gateway's own handler, not Fastify (the /v1 endpoints): declared for permissions and documents only. */
  gateway?: boolean;
  /**
   * Returns the body to send with `status`; or sends the answer itself through `reply` (then
   * returns `reply`), or hijacks it for a stream.
   */
  handler?: (input: RouteInput<Out<PS>, Out<QS>, Out<BS>>) => Promise<R | FastifyReply> | R | FastifyReply;
}

/** Any declared route, whatever its schemas. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteSpec<any, any, any, any>;

/**
 * Declares a route. Keep the declaration next to its handler; a module exports its list.
 * @example
 * defineRoute({
 *   method: 'GET', path: '/api/keys/:id', permission: 'keys.read', summary: 'Show one key.',
 *   params: z.strictObject({ id: z.string().max(100) }), response: KeyView,
 *   handler: ({ params, req }) => keys.get(params.id),
 * });
 */
export function defineRoute<PS extends Schema | undefined = undefined, QS extends Schema | undefined = undefined, BS extends Schema | undefined = undefined, R = unknown>(
  spec: RouteSpec<PS, QS, BS, R>,
): RouteSpec<PS, QS, BS, R> {
  return spec;
}

/** `METHOD /path`, the key a route is known by (permission lists, tests). */
export function routeKeyOf(route: Pick<AnyRoute, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}
