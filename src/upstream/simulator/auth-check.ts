/**
 * Bearer-key authentication with OpenAI's 401 responses, including the
 * partially masked key in the message (which the gateway must never relay).
 */
import { SimulatorHttpError } from './openai-error.ts';

/**
 * Masks an API key the way OpenAI echoes it back: the first 8 and last 4
 * characters stay visible, everything between becomes `*`. Short keys keep
 * less so that the mask never reveals the whole key.
 */
export function maskApiKey(key: string): string {
  if (key.length >= 16) return `${key.slice(0, 8)}${'*'.repeat(key.length - 12)}${key.slice(-4)}`;
  if (key.length >= 6) return `${key.slice(0, 2)}${'*'.repeat(key.length - 4)}${key.slice(-2)}`;
  return '*'.repeat(key.length);
}

/**
 * Throws a 401 unless `authorization` is exactly `Bearer <expectedKey>`.
 * Both the missing-key and the wrong-key cases carry `code: "invalid_api_key"`.
 */
export function checkAuthorization(authorization: string | undefined, expectedKey: string): void {
  const match = authorization === undefined ? null : /^Bearer\s+(.*)$/i.exec(authorization.trim());
  const provided = match?.[1]?.trim() ?? '';
  if (provided === expectedKey) return;
  if (provided === '') {
    throw new SimulatorHttpError(
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
      'invalid_request_error',
      null,
      'invalid_api_key',
    );
  }
  throw new SimulatorHttpError(
    401,
    `Incorrect API key provided: ${maskApiKey(provided)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    'invalid_request_error',
    null,
    'invalid_api_key',
  );
}
