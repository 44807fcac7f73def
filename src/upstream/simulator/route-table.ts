/**
 * Maps method and path to the `/v1` endpoint handlers of one simulator.
 */
import { createChatHandler } from './chat-handler.ts';
import { createCompletionsHandler } from './completions-handler.ts';
import { createEmbeddingsHandler } from './embeddings-handler.ts';
import type { EndpointHandler } from './endpoint-types.ts';
import { listModelsHandler, retrieveModelHandler } from './models-handler.ts';
import { createModerationsHandler } from './moderations-handler.ts';
import { createResponsesHandler } from './responses-handler.ts';

/** A resolved route. */
export interface RouteMatch {
  handler: EndpointHandler;
  /** Decoded trailing path parameter, if the route has one. */
  param: string | undefined;
}

/** Resolves requests to handlers; undefined means the API has no such URL. */
export type RouteTable = (method: string, path: string) => RouteMatch | undefined;

const MODEL_PREFIX = '/v1/models/';

/** Builds the routes, each handler with its own per-simulator state. */
export function createRouteTable(): RouteTable {
  const exact = new Map<string, EndpointHandler>([
    ['POST /v1/chat/completions', createChatHandler()],
    ['POST /v1/responses', createResponsesHandler()],
    ['POST /v1/completions', createCompletionsHandler()],
    ['POST /v1/embeddings', createEmbeddingsHandler()],
    ['POST /v1/moderations', createModerationsHandler()],
    ['GET /v1/models', listModelsHandler],
  ]);
  return (method, path) => {
    const handler = exact.get(`${method} ${path}`);
    if (handler !== undefined) return { handler, param: undefined };
    if (method === 'GET' && path.startsWith(MODEL_PREFIX) && path.length > MODEL_PREFIX.length) {
      let param: string;
      try {
        param = decodeURIComponent(path.slice(MODEL_PREFIX.length));
      } catch {
        return undefined;
      }
      return { handler: retrieveModelHandler, param };
    }
    return undefined;
  };
}
