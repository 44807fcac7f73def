import type { ErrorSpec } from '../error-spec.ts';

/**
 * Errors of the access module: keys, sign-in and account changes, single sign-on, the directory
 * (organizations, teams, users, memberships, invitations), permissions and the audit log.
 * Field errors keep the table's field form, "Invalid '{param}': {reason}.", so they read like the
 * validation failures of every route.
 */
export const ACCESS_CODES = {
  // Who may do what.
  permission_denied: { status: 403, type: 'permission_error', message: 'You do not have permission to {what}.', retry: false },
  ip_not_allowed: { status: 403, type: 'permission_error', message: '{who} not allowed from {address}.', retry: false },
  session_required: {
    status: 403,
    type: 'permission_error',
    message:
      'Changing how you sign in (password, two-factor authentication, recovery codes) and listing or ending sessions need you signed in with a session; a key cannot do it, so whoever holds a key cannot take the account over. Sign in at POST /api/auth/sign-in.',
    retry: false,
  },
  session_invalid: { status: 401, type: 'authentication_error', message: 'Your session has ended or is not valid; sign in again.', retry: false },
  csrf_token_invalid: {
    status: 403,
    type: 'permission_error',
    message: "State-changing requests made with a session must carry the session's CSRF token in the 'x-csrf-token' header.",
    retry: false,
  },
  two_factor_required: { status: 403, type: 'permission_error', message: 'Your organization requires two-factor authentication: enrol at POST /api/me/2fa first.', retry: false },

  // Keys: authentication.
  missing_api_key: {
    status: 401,
    type: 'authentication_error',
    message: "You didn't provide an API key. Provide your Tollgate key in an Authorization header using Bearer auth (Authorization: Bearer tg-...).",
    retry: false,
  },
  invalid_api_key: { status: 401, type: 'authentication_error', message: 'Incorrect API key provided: expected a valid Tollgate key (Authorization: Bearer tg-...).', retry: false },
  revoked_api_key: { status: 401, type: 'authentication_error', message: 'This API key has been revoked.', retry: false },
  expired_api_key: { status: 401, type: 'authentication_error', message: 'This API key has expired.', retry: false },
  user_disabled: { status: 401, type: 'authentication_error', message: 'This account is disabled; ask an owner of your organization to enable it.', retry: false },

  // Keys: the API.
  key_not_found: { status: 404, type: 'invalid_request_error', message: "No key with id '{id}'.", retry: false, param: 'id' },
  key_revoked: { status: 400, type: 'invalid_request_error', message: 'A revoked key cannot be rotated.', retry: false, param: 'id' },
  key_broader_than_caller: { status: 403, type: 'permission_error', message: 'The key you are using is restricted, and {reason}.', retry: false },
  personal_key_not_yours: {
    status: 403,
    type: 'permission_error',
    message: "A personal key's secret is for its user alone: only they may rotate it. You may change its scopes or revoke it.",
    retry: false,
    param: 'id',
  },
  invalid_cidr: { status: 400, type: 'invalid_request_error', message: "Invalid '{param}': {reason}.", retry: false },
  too_many_cidrs: { status: 400, type: 'invalid_request_error', message: "Invalid '{param}': at most {max} entries.", retry: false },

  // Signing in.
  invalid_credentials: { status: 401, type: 'authentication_error', message: 'The email or password is incorrect.', retry: false },
  totp_required: {
    status: 401,
    type: 'authentication_error',
    message: "This account uses two-factor authentication: send the code from your authenticator app as 'totp_code' (or a recovery code as 'recovery_code').",
    retry: false,
    param: 'totp_code',
  },
  invalid_totp_code: { status: 401, type: 'authentication_error', message: 'The two-factor code is incorrect or was already used.', retry: false, param: 'totp_code' },
  invalid_recovery_code: { status: 401, type: 'authentication_error', message: 'The recovery code is incorrect or was already used.', retry: false, param: 'recovery_code' },
  // Waiting helps; whether a client should wait (seconds, not a lock of minutes) is sent per answer in x-should-retry.
  too_many_sign_in_attempts: { status: 429, type: 'rate_limit_error', message: 'Too many failed {what} attempts; try again in {seconds} seconds.', retry: true },
  keys_cannot_sign_out: {
    status: 400,
    type: 'invalid_request_error',
    message: 'You are using a key: keys do not sign in or out. Revoke the key (DELETE /api/keys/:id) to stop it working.',
    retry: false,
  },

  // Your own account.
  not_a_user: { status: 400, type: 'invalid_request_error', message: '{what} needs a signed-in user or a personal key; a service key has no user account.', retry: false },
  session_not_found: { status: 404, type: 'invalid_request_error', message: 'You have no active session with this id.', retry: false, param: 'id' },
  no_password: { status: 400, type: 'invalid_request_error', message: 'Your account signs in with single sign-on and has no password.', retry: false },
  incorrect_password: { status: 400, type: 'invalid_request_error', message: "Invalid '{param}': the password is incorrect.", retry: false },
  incorrect_totp_code: { status: 400, type: 'invalid_request_error', message: "Invalid '{param}': the two-factor code is incorrect or was already used.", retry: false },
  weak_password: { status: 400, type: 'invalid_request_error', message: "Invalid '{param}': {reason}.", retry: false },
  invalid_email: { status: 400, type: 'invalid_request_error', message: "Invalid '{param}': {reason}.", retry: false },
  two_factor_already_enabled: { status: 400, type: 'invalid_request_error', message: 'Two-factor authentication is already on; turn it off first to enrol another device.', retry: false },
  two_factor_not_enabled: { status: 400, type: 'invalid_request_error', message: 'Two-factor authentication is not on for your account.', retry: false },
  no_pending_enrolment: { status: 400, type: 'invalid_request_error', message: 'Start two-factor enrolment first (POST /api/me/2fa).', retry: false },
  two_factor_required_by_org: { status: 403, type: 'permission_error', message: 'Your organization requires two-factor authentication; it cannot be turned off.', retry: false },

  // Links that work once (password reset).
  invalid_or_expired_token: {
    status: 400,
    type: 'invalid_request_error',
    message: 'This password-reset link is invalid, expired or already used; ask for a new one.',
    retry: false,
    param: 'token',
  },
  invalid_token: { status: 400, type: 'invalid_request_error', message: 'This link is invalid.', retry: false, param: 'token' },
  expired_token: { status: 400, type: 'invalid_request_error', message: 'This link has expired; ask for a new one.', retry: false, param: 'token' },
  token_already_used: { status: 400, type: 'invalid_request_error', message: 'This link has already been used.', retry: false, param: 'token' },
  mail_failed: { status: 502, type: 'api_error', message: 'The {what} could not be mailed (see the server log){outcome}. Try again later.', retry: true },
  mail_not_configured: {
    status: 409,
    type: 'invalid_request_error',
    message:
      "No mail is configured, so the reset link would be handed to you; that is allowed only for an account ranked below yours. Set TOLLGATE_SMTP_URL, or on the server run 'tollgate users set-password <email>'. To change your own password, sign in and use POST /api/me/password.",
    retry: false,
    param: 'id',
  },

  // The directory.
  org_not_found: { status: 404, type: 'invalid_request_error', message: "No organization with id '{id}'.", retry: false, param: 'id' },
  team_not_found: { status: 404, type: 'invalid_request_error', message: "No team with id '{id}'.", retry: false, param: 'id' },
  user_not_found: { status: 404, type: 'invalid_request_error', message: "No user with id '{id}'.", retry: false, param: 'id' },
  membership_not_found: { status: 404, type: 'invalid_request_error', message: "User '{user}' is not a member of team '{team}'.", retry: false, param: 'userId' },
  email_in_use: { status: 409, type: 'invalid_request_error', message: "Invalid '{param}': {reason}.", retry: false },
  team_exists: { status: 409, type: 'invalid_request_error', message: "Invalid 'name': a team named '{name}' already exists in this organization.", retry: false, param: 'name' },
  team_not_empty: {
    status: 409,
    type: 'invalid_request_error',
    message: "Team '{name}' still has {members} member(s), {keys} live key(s) and {budgets} budget(s): remove the members, revoke the keys and delete the budgets first.",
    retry: false,
    param: 'id',
  },
  last_owner: { status: 409, type: 'invalid_request_error', message: 'This is the last active owner of the organization: make someone else owner first.', retry: false },
  account_disabled: { status: 409, type: 'invalid_request_error', message: "Invalid '{param}': this account is disabled; enable it first.", retry: false },
  sso_account: { status: 409, type: 'invalid_request_error', message: 'This account signs in with single sign-on: {remedy}.', retry: false },
  ip_allowlist_excludes_caller: {
    status: 400,
    type: 'invalid_request_error',
    message: "Invalid 'ip_allowlist': it does not include your own address {ip}, so it would lock you out. Add a block that contains it.",
    retry: false,
    param: 'ip_allowlist',
  },

  // Invitations.
  invitation_not_found: { status: 404, type: 'invalid_request_error', message: "No invitation with id '{id}'.", retry: false, param: 'id' },
  invitation_accepted: { status: 409, type: 'invalid_request_error', message: 'This invitation was already accepted; remove the membership instead.', retry: false, param: 'id' },
  invitation_link_not_found: {
    status: 404,
    type: 'invalid_request_error',
    message: 'This invitation link is not valid: it may have expired, been used or been revoked.',
    retry: false,
    param: 'token',
  },
  invitation_invalid: {
    status: 400,
    type: 'invalid_request_error',
    message: 'This invitation link is not valid: it may have expired, been used or been revoked. Ask for a new one.',
    retry: false,
    param: 'token',
  },

  // Single sign-on: settings and the start of a sign-in.
  sso_not_configured: { status: 404, type: 'invalid_request_error', message: 'Single sign-on is not configured for this organization.', retry: false },
  sso_not_found: { status: 404, type: 'invalid_request_error', message: "No organization signs in '{domain}' addresses with single sign-on.", retry: false, param: 'email' },
  public_url_not_configured: {
    status: 503,
    type: 'api_error',
    message:
      'Single sign-on needs the address users reach Tollgate at: the operator must set TOLLGATE_PUBLIC_URL (e.g. https://tollgate.example.com). It is never taken from the request.',
    retry: false,
  },
  sso_needs_public_url: {
    status: 409,
    type: 'invalid_request_error',
    message:
      'Single sign-on needs the address users reach Tollgate at, and it is not set: the operator must set TOLLGATE_PUBLIC_URL (e.g. https://tollgate.example.com) before single sign-on can be configured. It is never taken from the request.',
    retry: false,
  },

  // Single sign-on: the identity provider's answer.
  sso_state_invalid: {
    status: 400,
    type: 'invalid_request_error',
    message: 'This sign-in link is invalid, expired, already used or was started in another browser; start the sign-in again.',
    retry: false,
    param: 'state',
  },
  sso_state_mismatch: { status: 400, type: 'invalid_request_error', message: 'The sign-in response does not belong to this sign-in (state mismatch).', retry: false },
  sso_nonce_mismatch: { status: 401, type: 'authentication_error', message: 'The ID token was not issued for this sign-in (nonce mismatch).', retry: false },
  sso_invalid_token: { status: 401, type: 'authentication_error', message: "The identity provider's ID token was refused: {reason}.", retry: false },
  sso_token_expired: { status: 401, type: 'authentication_error', message: 'The ID token is expired or not yet valid.', retry: false },
  sso_code_rejected: { status: 401, type: 'authentication_error', message: 'The identity provider refused the code exchange ({error}).', retry: false },
  sso_idp_error: { status: 401, type: 'authentication_error', message: 'The identity provider refused the sign-in ({error}).', retry: false },
  sso_missing_claim: { status: 401, type: 'authentication_error', message: 'The identity from the identity provider cannot be used: {reason}.', retry: false },
  sso_provider_unavailable: { status: 502, type: 'api_error', message: 'The identity provider is unavailable: {reason}.', retry: true },
  sso_provider_not_allowed: { status: 502, type: 'api_error', message: "The identity provider's address is not allowed: {reason}.", retry: false },

  // Single sign-on: who the identity may become.
  sso_email_domain_not_allowed: { status: 403, type: 'permission_error', message: 'Your email domain is not allowed to sign in to this organization.', retry: false },
  sso_user_in_other_org: { status: 403, type: 'permission_error', message: 'This account belongs to another organization; sign in there.', retry: false },
  sso_user_not_provisioned: {
    status: 403,
    type: 'permission_error',
    message: 'You have no account in this organization; ask an owner to add you (automatic provisioning is off).',
    retry: false,
  },
  sso_email_unverified: {
    status: 403,
    type: 'permission_error',
    message: 'Your identity provider did not verify your email address, so it cannot be linked to the existing account.',
    retry: false,
  },
  sso_identity_conflict: { status: 403, type: 'permission_error', message: 'This account is already linked to another account of your identity provider.', retry: false },
  sso_link_refused: {
    status: 403,
    type: 'permission_error',
    message: 'This account is an owner or uses two-factor authentication, so it is not linked to single sign-on by its email address: sign in with your password.',
    retry: false,
  },
} as const satisfies Record<string, ErrorSpec>;
