import type { ErrorSpec } from '../error-spec.ts';

/** Errors of the metering module: usage, prices, budgets. */
export const METERING_CODES = {
  usage_not_found: { status: 404, type: 'invalid_request_error', message: "No usage record for request '{id}'.", retry: false, param: 'id' },

  price_not_found: { status: 404, type: 'invalid_request_error', message: "No price for model '{model}' at {at}.", retry: false, param: 'model' },
  price_override_not_found: { status: 404, type: 'invalid_request_error', message: "No price override for model '{model}'.", retry: false, param: 'model' },
  // A price field that is not a decimal string of USD per 1M tokens; the schema names the field (the one validation formatter fills the template).
  invalid_price: { status: 400, type: 'invalid_request_error', message: "Invalid '{param}': {reason}.", retry: false },

  budget_not_found: { status: 404, type: 'invalid_request_error', message: "No budget with id '{id}'.", retry: false, param: 'id' },
  budget_creator_outranks_you: {
    status: 403,
    type: 'permission_error',
    message: 'This budget was set by someone acting as {role}; only a {role} may {change}. You may tighten it (a lower limit, more thresholds) or rename it.',
    retry: false,
  },
  // Sent with OpenAI's quota type `insufficient_quota` in the body (BudgetExceededError); only a new period or a higher limit helps.
  budget_exceeded: {
    status: 429,
    type: 'rate_limit_error',
    message: "Budget '{name}' ({id}) exceeded: ${spent} spent of its ${limit} {period} limit{in_flight}, and this request may cost up to ${requested}. {reset}",
    retry: false,
  },
  model_not_priced: {
    status: 403,
    type: 'permission_error',
    message:
      "The model '{model}' has no price, so its cost cannot be counted against the budget that applies to this key. An administrator can add a price (PUT /api/prices/{model}), or an owner can let the organization use models without a price (PATCH /api/orgs/{org} with allow_unpriced_models set to true).",
    retry: false,
    param: 'model',
  },

} as const satisfies Record<string, ErrorSpec>;
