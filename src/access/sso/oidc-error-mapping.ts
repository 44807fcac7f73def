import { AuthorizationResponseError, ClientError, ResponseBodyError } from 'openid-client';
import { fail, type TollgateError } from '../../errors/index.ts';
import { isSsoError } from './sso-error.ts';

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
 * Maps what openid-client throws while completing a sign-in to a failure with a stable `sso_…` code.
 * Anything not recognised as a refusal of the response is treated as the provider being unavailable.
 * @example
 * try { await authorizationCodeGrant(config, url, checks); } catch (err) { throw toSsoError(err); }
 */
export function toSsoError(err: unknown): TollgateError {
  if (isSsoError(err)) return err;
  if (err instanceof AuthorizationResponseError) {
    return fail('sso_idp_error', { error: err.error }, { cause: err });
  }
  if (err instanceof ResponseBodyError) {
    return fail('sso_code_rejected', { error: err.error }, { cause: err });
  }
  if (err instanceof ClientError) {
    const claim = failedClaim(err);
    switch (err.code) {
      case 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED':
        return fail('sso_token_expired', {}, { cause: err });
      case 'OAUTH_JWT_CLAIM_COMPARISON_FAILED':
        return claim === 'nonce'
          ? fail('sso_nonce_mismatch', {}, { cause: err })
          : fail('sso_invalid_token', { reason: 'its issuer, audience or a claim is not the expected one' }, { cause: err });
      case 'OAUTH_INVALID_RESPONSE':
      case 'OAUTH_PARSE_ERROR':
      case 'OAUTH_RESPONSE_IS_NOT_CONFORM':
      case 'OAUTH_KEY_SELECTION_FAILED':
      case 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED':
      case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
        return fail('sso_invalid_token', { reason: 'it is malformed or its signature does not verify' }, { cause: err });
    }
  }
  return fail('sso_provider_unavailable', { reason: 'it could not be reached or answered unexpectedly' }, { cause: err });
}
