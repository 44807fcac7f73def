import { TollgateError, type OpenAIErrorType } from '../../http/errors.ts';

/**
 * Stable codes of single sign-on failures. Tests, logs and the web app rely on them.
 * - `sso_state_mismatch`: the callback's `state` is missing or not the one stored at `begin()` (400).
 * - `sso_nonce_mismatch`: the ID token's `nonce` is not the one stored at `begin()` (401).
 * - `sso_invalid_token`: the ID token is malformed, its signature does not verify, or its
 *   issuer, audience or other claims are wrong (401).
 * - `sso_token_expired`: the ID token is past its `exp` (or not yet valid) (401).
 * - `sso_code_rejected`: the identity provider refused the code exchange: replayed or
 *   expired code, wrong PKCE verifier, wrong client credentials (401).
 * - `sso_idp_error`: the identity provider redirected back with an `error` (e.g. the user
 *   denied consent) (401).
 * - `sso_missing_claim`: the identity has no `sub` or a claim has the wrong type (401).
 * - `sso_provider_unavailable`: discovery or a call to the identity provider failed (502).
 * - `sso_provider_not_allowed`: the issuer, or an endpoint its discovery names, is somewhere
 *   Tollgate does not call (plain http, a loopback, private, link-local or metadata address) (502).
 */
export type SsoErrorCode =
  | 'sso_state_mismatch'
  | 'sso_nonce_mismatch'
  | 'sso_invalid_token'
  | 'sso_token_expired'
  | 'sso_code_rejected'
  | 'sso_idp_error'
  | 'sso_missing_claim'
  | 'sso_provider_unavailable'
  | 'sso_provider_not_allowed';

const STATUS: Record<SsoErrorCode, { status: number; type: OpenAIErrorType }> = {
  sso_state_mismatch: { status: 400, type: 'invalid_request_error' },
  sso_nonce_mismatch: { status: 401, type: 'authentication_error' },
  sso_invalid_token: { status: 401, type: 'authentication_error' },
  sso_token_expired: { status: 401, type: 'authentication_error' },
  sso_code_rejected: { status: 401, type: 'authentication_error' },
  sso_idp_error: { status: 401, type: 'authentication_error' },
  sso_missing_claim: { status: 401, type: 'authentication_error' },
  sso_provider_unavailable: { status: 502, type: 'api_error' },
  sso_provider_not_allowed: { status: 502, type: 'api_error' },
};

/**
 * A refused or failed sign-in. The message is safe to show; details stay in `cause`.
 * @example
 * try { await sso.complete(url, expected); }
 * catch (err) { if (err instanceof SsoError && err.code === 'sso_state_mismatch') restartSignIn(); }
 */
export class SsoError extends TollgateError {
  override name = 'SsoError';
  declare readonly code: SsoErrorCode;

  constructor(code: SsoErrorCode, message: string, cause?: unknown) {
    super(code, message, { ...STATUS[code], cause });
  }
}
