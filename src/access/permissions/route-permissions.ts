import { isAction } from './actions.ts';
import type { Action } from './actions.ts';

/** Routes anyone may call without a key or session (probes, sign-in, invitation acceptance). */
export const PUBLIC = 'public';
/** Routes any signed-in caller may use on themselves (their profile, sign-out); no matrix check. */
export const SELF = 'self';
/**
 * Routes that change how the person signs in (password, 2FA, recovery codes) or act on their
 * sessions: like SELF, but only with a session. A key (even the person's own) gets 403
 * `session_required`, so whoever holds a key cannot take the account over.
 */
export const ACCOUNT = 'account';

/** Whether a rule is about the caller's own account (SELF or ACCOUNT): no matrix check. */
export function isSelfRule(rule: string): rule is typeof SELF | typeof ACCOUNT {
  return rule === SELF || rule === ACCOUNT;
}

/** What a route requires: an action of the matrix, PUBLIC, SELF or ACCOUNT. */
export type RouteRule = Action | typeof PUBLIC | typeof SELF | typeof ACCOUNT;

/** Whether a declared permission names something the access layer enforces. */
export function isRouteRule(name: string): name is RouteRule {
  return name === PUBLIC || name === SELF || name === ACCOUNT || isAction(name);
}
