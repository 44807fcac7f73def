import { fail, type TollgateError } from '../errors/index.ts';

/**
 * 403 `model_not_priced`: a budget applies to the caller and the model has no price, so its cost
 * could not be counted against the budget. Says both ways forward: a price, or the organization's
 * `allow_unpriced_models` setting (on the caller's organization, named when known).
 * @example throw modelNotPriced('acme-llama-70b', 'org_1');
 */
export function modelNotPriced(model: string, orgId: string | null): TollgateError {
  return fail('model_not_priced', { model, org: orgId ?? ':id' });
}
