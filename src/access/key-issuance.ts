import { fail } from '../errors/index.ts';
import type { KeyService, KeyView } from './key-service.ts';
import { cidrWithin, parseCidr, type CidrRange } from './network/index.ts';
import type { Actor } from './permissions/actor.ts';
import { authorize } from './permissions/authorize.ts';
import { assertCanAssignRole } from './permissions/role-assignment.ts';
import type { Role } from './permissions/roles.ts';
import type { Principal } from './principal.ts';

/**
 * The rules for leaving a key route holding a secret (creating or rotating a key), so that nobody
 * ends up with a credential stronger than their own:
 * 1. A personal key's secret is for its user alone (`assertMayHoldSecret`): others who manage the
 *    team may restrict or revoke it, never obtain a secret for it.
 * 2. A service key's secret acts with the key's role in its team: whoever obtains one must be
 *    allowed to create a key of that role there (`keys.create` and the role escalation rules).
 * 3. A caller that is itself a restricted key (models, endpoints, IP allowlist, expiry) can only
 *    make or obtain keys at most as broad as itself (`assertNotBroader`); a session (the person
 *    signed in) is bounded by their roles only.
 */

/** What a key may do besides its role: null in a field means unrestricted. */
export interface KeyLimits {
  allowedModels: readonly string[] | null;
  endpoints: readonly string[] | null;
  ipAllowlist: readonly string[] | null;
  /** Epoch ms. */
  expiresAt: number | null;
}

/** The limits of a stored key. */
export function limitsOfKey(key: Pick<KeyView, 'allowed_models' | 'endpoints' | 'ip_allowlist' | 'expires_at'>): KeyLimits {
  return {
    allowedModels: key.allowed_models,
    endpoints: key.endpoints,
    ipAllowlist: key.ip_allowlist,
    expiresAt: key.expires_at === null ? null : Date.parse(key.expires_at),
  };
}

/**
 * The limits of the key a request came with (its secret's expiry: a rotated secret still in its
 * grace period ends with the grace), or null for a session caller.
 */
export function callerLimits(principal: Principal | null, callerKey: KeyView | undefined): KeyLimits | null {
  if (principal === null || callerKey === undefined) return null;
  return { ...limitsOfKey(callerKey), expiresAt: principal.expiresAt };
}

/** The restrictions of the key a request came with; null for a session. */
export async function callerKeyLimits(keys: Pick<KeyService, 'get'>, principal: Principal | null): Promise<KeyLimits | null> {
  return principal === null ? null : callerLimits(principal, await keys.get(principal.keyId));
}

/**
 * A link that opens an account (a password reset, an invitation handed to the inviter) is a
 * credential without any key's limits: a restricted key may not receive one (403
 * `key_broader_than_caller`). Sessions and unrestricted keys may.
 */
export function assertMayReceiveAccountLink(caller: KeyLimits | null): void {
  if (caller === null) return;
  const restricted = caller.allowedModels !== null || caller.endpoints !== null || (caller.ipAllowlist?.length ?? 0) > 0 || caller.expiresAt !== null;
  if (restricted) {
    throw fail('key_broader_than_caller', {
      reason: 'this link would open an account without its limits (models, endpoints, addresses or expiry); use an unrestricted key or sign in',
    });
  }
}

/**
 * Fills what a new key leaves unset with the caller key's limits, so a restricted key's children
 * are restricted the same way unless asked for narrower.
 * @example withCallerDefaults({ allowedModels: undefined, … }, caller)
 */
export function withCallerDefaults(requested: { [K in keyof KeyLimits]: KeyLimits[K] | undefined }, caller: KeyLimits | null): KeyLimits {
  return {
    allowedModels: requested.allowedModels !== undefined ? requested.allowedModels : (caller?.allowedModels ?? null),
    endpoints: requested.endpoints !== undefined ? requested.endpoints : (caller?.endpoints ?? null),
    ipAllowlist: requested.ipAllowlist !== undefined ? requested.ipAllowlist : (caller?.ipAllowlist ?? null),
    expiresAt: requested.expiresAt !== undefined ? requested.expiresAt : (caller?.expiresAt ?? null),
  };
}

/**
 * 403 `key_broader_than_caller`, naming the field, when `result` would allow something the caller
 * key does not: a model, an endpoint, an address, or a time after the caller's expiry. A session
 * caller (null) is not limited here.
 */
export function assertNotBroader(result: KeyLimits, caller: KeyLimits | null): void {
  if (caller === null) return;
  if (caller.allowedModels !== null && (result.allowedModels === null || !result.allowedModels.every((m) => modelCovered(m, caller.allowedModels!)))) {
    throw broader('allowed_models', 'models');
  }
  if (caller.endpoints !== null && (result.endpoints === null || !result.endpoints.every((e) => caller.endpoints!.includes(e)))) {
    throw broader('endpoints', 'endpoints');
  }
  if (caller.ipAllowlist !== null && caller.ipAllowlist.length > 0) {
    const outer = ranges(caller.ipAllowlist);
    const inner = result.ipAllowlist === null || result.ipAllowlist.length === 0 ? null : ranges(result.ipAllowlist);
    if (inner === null || !inner.every((r) => outer.some((o) => cidrWithin(r, o)))) throw broader('ip_allowlist', 'addresses');
  }
  if (caller.expiresAt !== null && (result.expiresAt === null || result.expiresAt > caller.expiresAt)) {
    throw broader('expires_at', 'time (it would outlive the key you are using)');
  }
}

/**
 * May the actor hold a secret of this key (rotation)? A personal key: only its own user. A service
 * key: only someone who could create a key of its role in its team. Throws 403 otherwise.
 */
export function assertMayHoldSecret(actor: Actor, key: Pick<KeyView, 'org_id' | 'team_id' | 'user_id' | 'role'>): void {
  if (key.user_id !== null) {
    if (key.user_id !== actor.userId) throw fail('personal_key_not_yours');
    return;
  }
  assertMayIssueServiceKey(actor, key.org_id ?? '', key.team_id, (key.role ?? 'member') as Role);
}

/**
 * The escalation rules for a service key: `keys.create` in its team, and the right to grant its role
 * there (nobody hands out a role above what they could grant a person).
 */
export function assertMayIssueServiceKey(actor: Actor, orgId: string, teamId: string | null, role: Role): void {
  if (teamId === null) throw fail('permission_denied', { what: "handle a service key without a team (only the operator can, with 'tollgate keys')" });
  authorize(actor, 'keys.create', { orgId, teamId });
  assertCanAssignRole(actor, { orgId, teamId }, null, role);
}

function modelCovered(pattern: string, allowed: readonly string[]): boolean {
  const prefix = pattern.endsWith('*') ? pattern.slice(0, -1) : undefined;
  return allowed.some((a) => {
    if (a.endsWith('*')) return (prefix ?? pattern).startsWith(a.slice(0, -1));
    return prefix === undefined && a === pattern;
  });
}

function ranges(entries: readonly string[]): CidrRange[] {
  return entries.flatMap((e) => {
    const r = parseCidr(e);
    return 'error' in r ? [] : [r];
  });
}

const broader = (param: string, what: string) => fail('key_broader_than_caller', { reason: `'${param}' would allow more ${what} than it does` }, { param });
