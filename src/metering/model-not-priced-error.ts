import { TollgateError } from '../http/index.ts';

/**
 * 403 `model_not_priced`: a budget applies to the caller and the model has no price, so its cost
 * could not be counted against the budget. Says both ways forward: a price, or the organization's
 * `allow_unpriced_models` setting.
 * @example throw modelNotPriced('acme-llama-70b');
 */
export function modelNotPriced(model: string): TollgateError {
  return new TollgateError(
    'model_not_priced',
    `The model '${model}' has no price, so its cost cannot be counted against the budget that applies to this key. ` +
      `An administrator can add a price (PUT /api/prices/${model}), or an owner can let the organization use models without a price ` +
      `(PATCH /api/orgs/{id} with {"allow_unpriced_models": true}).`,
    { status: 403, type: 'permission_error', param: 'model' },
  );
}
