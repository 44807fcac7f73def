import type { z } from 'zod';

/** What the OpenAPI document says about one route beyond its permission: a summary and its input schemas. */
export interface RouteDoc {
  summary: string;
  /** The zod schema the handler validates the JSON body with. */
  body?: z.ZodType;
  /** The zod schema of the query string. */
  query?: z.ZodType;
}

const docs = new Map<string, RouteDoc>();

/**
 * Describes a route for /api/openapi.json, next to the handler that uses the same schemas, so the
 * document cannot drift from what is validated. Call at module level.
 * @example documentRoute('POST /api/keys', { summary: 'Create a key', body: CreateKeyBody });
 */
export function documentRoute(key: `${'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'} /${string}`, doc: RouteDoc): void {
  docs.set(key, doc);
}

/** The description of a route, if one was given. */
export function routeDoc(key: string): RouteDoc | undefined {
  return docs.get(key);
}
