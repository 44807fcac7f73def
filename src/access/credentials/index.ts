export { constantTimeEqual, sha256Hex } from './constant-time.ts';
export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, assertPasswordPolicy } from './password-policy.ts';
export { OWASP_ARGON2ID, PasswordHasher, type Argon2Params } from './password-hasher.ts';
export {
  MemoryOneTimeTokenStore,
  type OneTimeTokenRecord,
  type OneTimeTokenStore,
  type TokenPurpose,
} from './one-time-token-store.ts';
export { DEFAULT_TOKEN_TTL_MS, OneTimeTokens, type IssueTokenInput, type OneTimeTokensOptions } from './one-time-token.ts';
export { Totp, type TotpCheck, type TotpEnrolment, type TotpOptions } from './totp.ts';
export {
  RECOVERY_CODE_COUNT,
  generateRecoveryCodes,
  normalizeRecoveryCode,
  redeemRecoveryCode,
  type RecoveryCodeSet,
  type RecoveryRedemption,
} from './recovery-codes.ts';
export { ACCOUNT_THROTTLE, IP_THROTTLE, throttleDelayMs, type ThrottlePolicy } from './throttle-policy.ts';
export {
  MemoryLoginThrottle,
  type LoginThrottle,
  type MemoryLoginThrottleOptions,
  type ThrottleDecision,
  type ThrottleSubject,
} from './login-throttle.ts';
export { EMAIL_MAX_LENGTH, parseEmailAddress } from './email-address.ts';
export { DISPLAY_NAME_MAX_LENGTH, parseDisplayName } from './display-name.ts';
