import type { ErrorSpec } from '../error-spec.ts';

/**
 * Errors of the traffic module. Its 429 is OpenAI's own `rate_limit_exceeded` (the http section's
 * row: same status and type), with OpenAI's message and body type (`requests` or `tokens`): see
 * traffic/rate-limit/rate-limited-error.ts.
 */
export const TRAFFIC_CODES = {
  rate_limiter_unavailable: { status: 503, type: 'server_error', message: 'Rate limits cannot be checked right now; try again shortly.', retry: true },
  counters_unavailable: { status: 503, type: 'server_error', message: 'Budgets cannot be checked right now; try again shortly.', retry: true },

  // Files and batches passed through the gateway (docs/traffic.md, "Files and batches").
  file_upload_not_multipart: { status: 400, type: 'invalid_request_error', message: "A file upload must be sent as 'multipart/form-data' with the fields 'purpose' and 'file'.", retry: false },
  file_purpose_not_allowed: { status: 400, type: 'invalid_request_error', message: "Files with purpose '{purpose}' cannot be uploaded through Tollgate; use one of: {allowed}.", param: 'purpose', retry: false },
  file_too_large: { status: 413, type: 'invalid_request_error', message: 'The file is larger than this gateway accepts ({limit} bytes).', param: 'file', retry: false },
  file_not_found: { status: 404, type: 'invalid_request_error', message: 'No such File object: {id}', param: 'id', retry: false },
  batch_not_found: { status: 404, type: 'invalid_request_error', message: "No batch found with id '{id}'.", param: 'id', retry: false },
  batch_input_invalid: { status: 400, type: 'invalid_request_error', message: 'Line {line} of the input file {reason}.', retry: false },
  batch_line_model_not_allowed: { status: 400, type: 'invalid_request_error', message: "Line {line} of the input file asks for the model '{model}', which this key may not use.", retry: false },
  batch_input_too_large: { status: 400, type: 'invalid_request_error', message: 'The input file is larger than this gateway checks ({limit} bytes); split the batch.', param: 'input_file_id', retry: false },

  // Deployments written through /api/deployments (docs/traffic.md, "Deployments through the API").
  deployment_not_found: { status: 404, type: 'invalid_request_error', message: "No deployment with id '{id}' was written through the API.", param: 'id', retry: false },
  deployment_exists: { status: 409, type: 'invalid_request_error', message: "A deployment with id '{id}' already exists; change it with PATCH /api/deployments/{id}.", param: 'id', retry: false },
  deployment_in_config: { status: 409, type: 'invalid_request_error', message: "The deployment '{id}' is set in tollgate.yaml: change it there (the file wins over the API).", param: 'id', retry: false },
  deployments_not_routed: {
    status: 409,
    type: 'invalid_request_error',
    message: 'This Tollgate runs one upstream (tollgate.yaml sets no upstream.deployments, aliases or fallbacks): set at least one deployment there before adding more through the API.',
    retry: false,
  },
  inline_key_needs_encryption: {
    status: 400,
    type: 'invalid_request_error',
    message: "Invalid 'api_key': an inline key is stored sealed, and encryption at rest is off (docs/compliance.md); turn it on, or set this deployment in tollgate.yaml with a key reference.",
    param: 'api_key',
    retry: false,
  },
} as const satisfies Record<string, ErrorSpec>;
