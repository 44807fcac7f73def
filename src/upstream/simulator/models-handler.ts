/**
 * `GET /v1/models` and `GET /v1/models/{model}`.
 */
import { jsonResult, type EndpointHandler, type EndpointResult } from './endpoint-types.ts';
import type { ModelCatalog } from './model-catalog.ts';
import { modelNotFound } from './openai-error.ts';

/** Lists the catalog as a ListModelsResponse. */
export function createListModelsHandler(catalog: ModelCatalog): EndpointHandler {
  return (): EndpointResult => jsonResult({ object: 'list', data: catalog.list() });
}

/** Retrieves one model, 404 `model_not_found` in OpenAI's shape when unknown. */
export function createRetrieveModelHandler(catalog: ModelCatalog): EndpointHandler {
  return (request): EndpointResult => {
    const id = request.param ?? '';
    const model = catalog.list().find((m) => m.id === id);
    if (model === undefined) throw modelNotFound(id);
    return jsonResult(model);
  };
}
