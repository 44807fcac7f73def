import type { ErrorSpec } from '../error-spec.ts';

/** Errors of the workspace module: conversations, messages, chat turns, templates, sharing. */
export const WORKSPACE_CODES = {
  conversation_not_found: { status: 404, type: 'invalid_request_error', message: "No conversation with id '{id}'.", retry: false, param: 'id' },
  message_not_found: { status: 404, type: 'invalid_request_error', message: "This conversation has no message '{id}'.", retry: false, param: 'messageId' },
  template_not_found: { status: 404, type: 'invalid_request_error', message: "No template with id '{id}'.", retry: false, param: 'id' },
  // One code for the owner's `DELETE /api/shares/:id` ("with id 'shr_…'") and the public link ("with this link"); the token is never echoed.
  share_not_found: { status: 404, type: 'invalid_request_error', message: 'No share with {which}; it does not exist or has been revoked.', retry: false },

  // Was `chat_unavailable` with 503 or 502: split by status. This one is the server's mode (not listening on a port): retrying does not help.
  chat_unavailable: { status: 503, type: 'server_error', message: 'Workspace chat needs Tollgate to be listening on a port.', retry: false },
  chat_gateway_unreachable: { status: 502, type: 'api_error', message: 'The gateway could not be reached for this turn.', retry: true },
  // The gateway answered an error without OpenAI's error body (it always sends one; a proxy in between may not).
  chat_gateway_error: { status: 502, type: 'api_error', message: 'The gateway answered {status} without an error body.', retry: true },

} as const satisfies Record<string, ErrorSpec>;
