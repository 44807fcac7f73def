import { AuthorizationResponseError, ClientError, ResponseBodyError } from 'openid-client';
import { SsoError } from './sso-error.ts';

/** openid-client wraps the failed check in `cause`, which may itself wrap it once more. */
function failedClaim(err: Error): unknown {
  let cause: unknown = err.cause;
  for (let depth = 0; depth < 3 && typeof cause === 'object' && cause !== null; depth++) {
    const { claim } = cause as { claim?: unknown };
    if (claim !== undefined) return claim;
    cause = (cause as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Maps what openid-client throws while completing a sign-in to an SsoError with a stable code.
 * Anything not recognised as a refusal of the response is treated as the provider being unavailable.
 * @example
 * try { await authorizationCodeGrant(config, url, checks); } catch (err) { throw toSsoError(err); }
 */
export function toSsoError(err: unknown): SsoError {
  if (err instanceof SsoError) return err;
  if (err instanceof AuthorizationResponseError) {
    return new SsoError('sso_idp_error', `The identity provider refused the sign-in (${err.error}).`, err);
  }
  if (err instanceof ResponseBodyError) {
    return new SsoError('sso_code_rejected', `The identity provider refused the code exchange (${err.error}).`, err);
  }
  if (err instanceof ClientError) {
    const claim = failedClaim(err);
    switch (err.code) {
      case 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED':
        return new SsoError('sso_token_expired', 'The ID token is expired or not yet valid.', err);
      case 'OAUTH_JWT_CLAIM_COMPARISON_FAILED':
        return claim === 'nonce'
          ? new SsoError('sso_nonce_mismatch', 'The ID token was not issued for this sign-in (nonce mismatch).', err)
          : new SsoError('sso_invalid_token', 'The ID token has an unexpected issuer, audience or claim.', err);
      case 'OAUTH_INVALID_RESPONSE':
      case 'OAUTH_PARSE_ERROR':
      case 'OAUTH_RESPONSE_IS_NOT_CONFORM':
      case 'OAUTH_KEY_SELECTION_FAILED':
      case 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED':
      case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
        return new SsoError('sso_invalid_token', 'The identity provider returned an invalid ID token.', err);
    }
  }
  return new SsoError('sso_provider_unavailable', 'The identity provider could not be reached or answered unexpectedly.', err);
}
