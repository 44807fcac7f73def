import { ApiError, isApiError } from '../api/api-error.ts';

/** Labels of a form's fields by API parameter name, so errors name the field as the form does. */
export type FieldLabels = Record<string, string>;

const BY_CODE: Record<string, (e: ApiError) => string> = {
  network_error: () => 'Tollgate cannot be reached. Check your connection and try again.',
  invalid_credentials: () => 'That email and password do not match an account. Check both and try again.',
  invalid_totp_code: () => 'That code did not work. Use the current code from your authenticator app (each code works once).',
  // The same words for a wrong code when turning 2FA on or off (the server answers 400 there, 401 at sign-in).
  incorrect_totp_code: () => 'That code did not work. Use the current code from your authenticator app (each code works once).',
  invalid_recovery_code: () => 'That recovery code is not valid or has already been used.',
  too_many_sign_in_attempts: (e) => `Too many attempts. Wait ${waitText(e.retryAfter)} and try again.`,
  rate_limit_exceeded: (e) => `Too many requests from your network. Wait ${waitText(e.retryAfter)} and try again.`,
  session_invalid: () => 'Your session has ended. Sign in again.',
  csrf_token_invalid: () => 'Your session needs a refresh. Reload the page and try again.',
  two_factor_required: () => 'Your organization requires two-factor authentication. Set it up in Settings › Security to continue.',
  ip_not_allowed: () => 'Your organization does not allow access from the network you are on.',
  user_disabled: () => 'This account is disabled. Ask an owner of your organization.',
  invitation_invalid: () => 'This invitation link is no longer valid: it may have expired, been used or been revoked. Ask the person who invited you for a new one.',
  // Opening a dead link (404) rather than accepting it (400): the same for the person.
  invitation_link_not_found: () => 'This invitation link is no longer valid: it may have expired, been used or been revoked. Ask the person who invited you for a new one.',
  account_disabled: () => 'This account is disabled. Enable it first.',
  invalid_or_expired_token: () => 'This link has expired or was already used. Ask for a new one.',
  weak_password: () => 'Choose a password of 12 to 256 characters (a few words make a good one).',
  incorrect_password: () => 'Your current password is not right.',
  budget_exceeded: (e) => `You have reached a spending limit. ${readableBudget(e.message)}`,
  insufficient_quota: (e) => `You have reached a spending limit. ${readableBudget(e.message)}`,
  model_not_allowed: (e) => e.message.replace('This key is', 'You are'),
  unknown_url: () => 'This part of Tollgate is not available on this server yet.',
  sso_not_found: () => 'No organization signs in this email domain with single sign-on.',
};

/** The server's budget refusal without internal ids, with its reset time in the person's own clock. */
function readableBudget(message: string): string {
  return message
    .replace(/ \(bud_[A-Za-z0-9]+\)/g, '')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g, (iso) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }));
}

function waitText(seconds: number | null): string {
  if (seconds === null) return 'a moment';
  if (seconds < 90) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  return `${Math.ceil(seconds / 60)} minutes`;
}

/**
 * Turns any error into a sentence a person understands. Validation errors name the field by the
 * label the form shows ("Limit: must be from 0.00 to 5000000.00."), known codes get plain words, server
 * failures say what to do and carry the request id for the administrator.
 */
export function describeError(err: unknown, labels: FieldLabels = {}): string {
  if (!isApiError(err)) return err instanceof Error && err.message ? `Something went wrong: ${err.message}` : 'Something went wrong.';
  const known = err.code ? BY_CODE[err.code] : undefined;
  if (known) return known(err);
  if (err.status >= 500) {
    return `Tollgate could not complete this (${err.status}). Try again; if it keeps happening, give your administrator this request id: ${err.requestId ?? 'unknown'}.`;
  }
  if (err.status === 403 && err.code === 'permission_denied') {
    const m = /perform '([^']+)'/.exec(err.message);
    return m ? `You do not have permission to do this (${actionWords(m[1]!)}).` : err.message;
  }
  return withFieldLabel(err, labels);
}

/** Which form field an error is about, if any (its API parameter name). */
export function errorField(err: unknown): string | null {
  return isApiError(err) ? err.param : null;
}

function withFieldLabel(err: ApiError, labels: FieldLabels): string {
  // Server messages read "Invalid 'limit_usd': must be …"; name the field as the form does.
  const m = /^Invalid (?:type for )?'([^']+)'(?: \([^)]*\))?: (.*)$/s.exec(err.message);
  if (m) {
    const param = m[1]!;
    const base = param.replace(/\[\d+\]$/, '').replace(/\.\w+$/, '');
    const label = labels[param] ?? labels[base] ?? humanParam(param);
    return `${label}: ${m[2]!}`;
  }
  const unrecognized = /^Unrecognized (?:field|query parameter) '([^']+)'\.$/.exec(err.message);
  if (unrecognized) return `The app sent a field the server does not know (${unrecognized[1]}). Reload the page; the app may be out of date.`;
  return err.message;
}

function humanParam(param: string): string {
  const words = param.replace(/\[(\d+)\]/g, ' #$1').replace(/[_.]/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const ACTION_WORDS: Record<string, string> = {
  'keys.create': 'creating keys',
  'keys.update': 'changing keys',
  'keys.revoke': 'revoking keys',
  'budgets.write': 'changing budgets',
  'prices.write': 'changing prices',
  'teams.write': 'changing teams',
  'members.write': 'changing team members',
  'users.invite': 'inviting people',
  'users.manage': 'managing users',
  'org.settings.write': 'changing organization settings',
  'orgs.create': 'creating organizations',
  'audit.read': 'reading the audit log',
  'gateway.call': 'calling models',
};

function actionWords(action: string): string {
  return ACTION_WORDS[action] ?? action;
}
