import type { ErrorSpec } from '../error-spec.ts';

/** Errors of the guardrails (src/guard): a request or reply a policy refused, and bad policies. */
export const GUARD_CODES = {
  content_policy_violation: {
    status: 400,
    type: 'invalid_request_error',
    message: "The {what} was blocked by the guardrail policy '{policy}' (rule {rule}).",
    retry: false,
  },
  classification_not_permitted: {
    status: 403,
    type: 'permission_error',
    message: "No deployment may receive this request: {reason} (classification policy '{policy}'). Nothing was sent upstream.",
    retry: false,
    param: 'x-tollgate-classification',
  },
  guard_moderation_failed: { status: 502, type: 'api_error', message: "The guardrail policy asks for moderation, and the upstream's moderation endpoint did not answer; the request was not sent.", retry: true },
  guard_output_moderation_failed: {
    status: 502,
    type: 'api_error',
    message: "The guardrail policy asks for moderation of the reply, and the upstream's moderation endpoint did not answer; the reply was withheld.",
    retry: true,
  },
  guard_policy_unusable: { status: 500, type: 'server_error', message: 'The guardrail policies for this key ({layers}) cannot be combined: {reason}. An administrator must change them; the request was not sent.', retry: false },
  invalid_guard_policy: { status: 400, type: 'invalid_request_error', message: 'The guardrail policy is not valid: {reason}', retry: false, param: 'policy' },
  guard_policy_not_found: { status: 404, type: 'invalid_request_error', message: "No guardrail policy is set on {scope} '{id}'.", retry: false, param: 'id' },
} as const satisfies Record<string, ErrorSpec>;
