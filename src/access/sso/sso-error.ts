import { TollgateError } from '../../errors/index.ts';

/**
 * Stable codes of a refused or failed single sign-on. Tests, logs and the web app rely on them;
 * their status, type and message are rows of the error table (src/errors/codes/access-codes.ts).
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
export const SSO_ERROR_CODES = [
  'sso_state_mismatch',
  'sso_nonce_mismatch',
  'sso_invalid_token',
  'sso_token_expired',
  'sso_code_rejected',
  'sso_idp_error',
  'sso_missing_claim',
  'sso_provider_unavailable',
  'sso_provider_not_allowed',
] as const;

export type SsoErrorCode = (typeof SSO_ERROR_CODES)[number];

const CODES: ReadonlySet<string> = new Set(SSO_ERROR_CODES);

/**
 * Whether an error is a refused or failed sign-in with one of the codes above (raised with
 * `fail('sso_…', vars, { cause })`). The message is safe to show; details stay in `cause`.
 * @example
 * try { await sso.complete(url, expected); }
 * catch (err) { if (isSsoError(err) && err.code === 'sso_state_mismatch') restartSignIn(); }
 */
export function isSsoError(err: unknown): err is TollgateError & { code: SsoErrorCode } {
  return err instanceof TollgateError && CODES.has(err.code);
}
