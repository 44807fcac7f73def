/**
 * `GET /v1/models` and `GET /v1/models/{model}`.
 */
import { jsonResult, type EndpointHandler, type EndpointResult } from './endpoint-types.ts';
import { listModelObjects, modelObject } from './model-catalog.ts';
import { modelNotFound } from './openai-error.ts';

/** Lists the catalog as a ListModelsResponse. */
export const listModelsHandler: EndpointHandler = (): EndpointResult =>
  jsonResult({ object: 'list', data: listModelObjects() });

/** Retrieves one model, 404 in OpenAI's shape when unknown. */
export const retrieveModelHandler: EndpointHandler = (request): EndpointResult => {
  const id = request.param ?? '';
  const model = modelObject(id);
  if (model === undefined) throw modelNotFound(id, 'model');
  return jsonResult(model);
};
