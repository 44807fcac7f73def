import type { ErrorSpec } from '../error-spec.ts';

/** Errors of the /v1 gateway: admission of a call and the upstream's answer. */
export const GATEWAY_CODES = {
  model_not_allowed: { status: 403, type: 'permission_error', message: "This key is not allowed to use the model '{model}'.", retry: false },
  endpoint_not_allowed: { status: 403, type: 'permission_error', message: "This key is not allowed to call '{scope}' endpoints.", retry: false },
  client_closed: { status: 499, type: 'api_error', message: 'The client closed the connection.', retry: false },
  upstream_interrupted: { status: 502, type: 'api_error', message: 'The upstream response was interrupted.', retry: true },
  upstream_invalid_response: { status: 502, type: 'api_error', message: 'The upstream returned a response that is not valid JSON.', retry: true },
  upstream_timeout: { status: 504, type: 'api_error', message: 'The upstream did not answer in time.', retry: true },
  upstream_unreachable: { status: 502, type: 'api_error', message: 'The upstream could not be reached.', retry: true },
  upstream_response_too_large: { status: 502, type: 'api_error', message: 'The upstream response is larger than the gateway accepts.', retry: false },
  upstream_auth_failed: { status: 502, type: 'api_error', message: "The upstream provider rejected the gateway's credentials. An administrator must check the upstream configuration.", retry: false },
  upstream_stream_timeout: { status: 502, type: 'api_error', message: 'The upstream stopped sending; the stream was ended.', retry: true },
  upstream_malformed_chunk: { status: 502, type: 'api_error', message: 'The upstream sent a malformed stream chunk; the stream was ended.', retry: true },
  model_not_found: { status: 404, type: 'invalid_request_error', message: "The model '{model}' does not exist or you do not have access to it.", param: 'model', retry: false },
  upstreams_unavailable: { status: 503, type: 'api_error', message: "Every upstream deployment for '{model}' is unavailable right now (circuit open or at its concurrency limit); try again shortly.", retry: true },
  upstream_deadline: { status: 504, type: 'api_error', message: 'The upstream did not answer within the request deadline ({attempts} attempts).', retry: true },
} as const satisfies Record<string, ErrorSpec>;
