/**
 * Maps method and path to the `/v1` endpoint handlers of one simulator.
 */
import { createChatHandler } from './chat-handler.ts';
import { createCompletionsHandler } from './completions-handler.ts';
import { createEmbeddingsHandler } from './embeddings-handler.ts';
import type { EndpointHandler } from './endpoint-types.ts';
import type { ModelCatalog } from './model-catalog.ts';
import { createListModelsHandler, createRetrieveModelHandler } from './models-handler.ts';
import { createModerationsHandler } from './moderations-handler.ts';
import { PromptCache } from './prompt-cache.ts';
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

/**
 * Builds the routes over one simulator's models, each handler with its own
 * per-simulator state; chat and responses share one prompt cache, as they
 * share OpenAI's.
 */
export function createRouteTable(catalog: ModelCatalog): RouteTable {
  const promptCache = new PromptCache();
  const retrieveModel = createRetrieveModelHandler(catalog);
  const exact = new Map<string, EndpointHandler>([
    ['POST /v1/chat/completions', createChatHandler(catalog, promptCache)],
    ['POST /v1/responses', createResponsesHandler(catalog, promptCache)],
    ['POST /v1/completions', createCompletionsHandler(catalog)],
    ['POST /v1/embeddings', createEmbeddingsHandler(catalog)],
    ['POST /v1/moderations', createModerationsHandler(catalog)],
    ['GET /v1/models', createListModelsHandler(catalog)],
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
      return { handler: retrieveModel, param };
    }
    return undefined;
  };
}
