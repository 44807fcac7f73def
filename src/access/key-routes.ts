import { z } from 'zod';
import { fail } from '../errors/index.ts';
import { humanName } from '../http/index.ts';
import { defineRoute, type AnyRoute } from '../http/index.ts';
import type { Directory } from './directory/directory.ts';
import { accessOf, changeContextOf } from './enforce.ts';
import { assertMayHoldSecret, assertMayIssueServiceKey, assertNotBroader, callerKeyLimits, limitsOfKey, withCallerDefaults, type KeyLimits } from './key-issuance.ts';
import { ENDPOINT_SCOPES } from './key-scopes.ts';
import type { KeyService } from './key-service.ts';
import { KeyViewSchema, KeyWithSecretSchema, type KeyView } from './key-view.ts';
import { IpAllowlist } from './network/index.ts';
import { authorize, type Actor, type Target } from './permissions/index.ts';
import { visibility } from './permissions/visibility.ts';
import { IdParams, listOf } from './route-schemas.ts';
import { RateLimitSettingsSchema, type RateLimitSettingsInput } from './rate-limit-settings.ts';

const MAX_GRACE_SECONDS = 30 * 86_400;
const name = humanName;
const models = z.array(z.string().trim().min(1).max(200)).min(1).max(500).nullable();
const endpoints = z.array(z.enum(ENDPOINT_SCOPES)).min(1).nullable();
const cidrs = z.array(z.string().max(100)).max(1000).nullable();
const expiresAt = z.iso.datetime({ offset: true }).nullable();

const CreateKeyBody = z.strictObject({
  name,
  kind: z.enum(['personal', 'service']).optional(),
  team_id: z.string().min(1).max(100).nullable().optional(),
  role: z.enum(['admin', 'member', 'viewer']).optional(),
  allowed_models: models.optional(),
  endpoints: endpoints.optional(),
  ip_allowlist: cidrs.optional(),
  expires_at: expiresAt.optional(),
  rate_limits: RateLimitSettingsSchema.optional(),
});

const UpdateKeyBody = z.strictObject({
  name: name.optional(),
  allowed_models: models.optional(),
  endpoints: endpoints.optional(),
  ip_allowlist: cidrs.optional(),
  expires_at: expiresAt.optional(),
  rate_limits: RateLimitSettingsSchema.optional(),
});

const RotateBody = z.strictObject({
  grace_period_seconds: z.number().int().min(0).max(MAX_GRACE_SECONDS).optional(),
});

const ListQuery = z.strictObject({
  team_id: z.string().min(1).max(100).optional(),
  user_id: z.string().min(1).max(100).optional(),
});

/** Where a key sits, for `authorize`. */
export function keyTarget(k: Pick<KeyView, 'org_id' | 'team_id' | 'user_id'>): Target {
  return { orgId: k.org_id ?? '', teamId: k.team_id, ownerUserId: k.user_id };
}

/**
 * /api/keys: personal keys (act as their user) and service keys (act with a role in their team);
 * scopes (endpoints, models), expiry, IP allowlist, rotation with a grace period, revocation.
 */
export function keyRoutes(deps: { keys: KeyService; directory: Directory; now?: () => number }): AnyRoute[] {
  const now = deps.now ?? Date.now;

  return [
    defineRoute({
      method: 'POST',
      path: '/api/keys',
      permission: 'keys.create',
      summary: "Create a personal key (yours) or a service key (a team's); the secret is returned once.",
      body: CreateKeyBody,
      response: KeyWithSecretSchema,
      status: 201,
      handler: async ({ body: b, req }) => {
        const { actor, principal } = accessOf(req);
        const serviceCaller = principal !== null && principal.userId === null;
        const kind = b.kind ?? (serviceCaller ? 'service' : 'personal');
        if (b.ip_allowlist) IpAllowlist.parse(b.ip_allowlist, 'ip_allowlist');
        const expires = checkExpiry(b.expires_at, now());
        const teamId = b.team_id !== undefined ? b.team_id : serviceCaller ? (principal.teamId ?? null) : (actor.memberships[0]?.teamId ?? null);
        if (teamId !== null) await requireTeam(deps.directory, actor, teamId);

        if (kind === 'personal') {
          if (serviceCaller) throw fail('invalid_parameter', { param: 'kind', reason: 'a service key cannot create personal keys' });
          if (b.role !== undefined) throw fail('invalid_parameter', { param: 'role', reason: "only service keys have a role; a personal key acts with its user's roles" });
          if (teamId !== null && !actor.orgRole && !actor.memberships.some((m) => m.teamId === teamId)) {
            throw fail('invalid_parameter', { param: 'team_id', reason: 'you are not a member of that team' });
          }
          if (teamId === null && !actor.orgRole && actor.memberships.length > 0) {
            // Spend must count to a team, or team budgets could be side-stepped with a team-less key.
            throw fail('invalid_parameter', { param: 'team_id', reason: "a team member's personal key counts to one of their teams" });
          }
          authorize(actor, 'keys.create', { orgId: actor.orgId, teamId, ownerUserId: actor.userId });
        } else {
          if (teamId === null) throw fail('invalid_parameter', { param: 'team_id', reason: 'a service key belongs to a team' });
          assertMayIssueServiceKey(actor, actor.orgId, teamId, b.role ?? 'member');
        }
        const caller = await callerKeyLimits(deps.keys, principal);
        const limits = withCallerDefaults(
          {
            allowedModels: b.allowed_models,
            endpoints: b.endpoints,
            ipAllowlist: b.ip_allowlist === undefined ? undefined : b.ip_allowlist && IpAllowlist.parse(b.ip_allowlist).entries,
            expiresAt: b.expires_at === undefined ? undefined : expires,
          },
          caller,
        );
        assertNotBroader(limits, caller);
        const { key, secret } = await deps.keys.create(
          {
            name: b.name,
            orgId: actor.orgId,
            teamId,
            userId: kind === 'personal' ? actor.userId : null,
            role: kind === 'service' ? (b.role ?? 'member') : undefined,
            allowedModels: limits.allowedModels ? [...limits.allowedModels] : null,
            endpoints: limits.endpoints ? [...limits.endpoints] : null,
            ipAllowlist: limits.ipAllowlist ? [...limits.ipAllowlist] : null,
            expiresAt: limits.expiresAt,
            rateLimits: b.rate_limits,
          },
          changeContextOf(req),
        );
        return { ...key, key: secret };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/keys',
      permission: 'keys.read',
      summary: 'List the keys you may read (never their secrets).',
      query: ListQuery,
      response: listOf(KeyViewSchema),
      handler: async ({ query: q, req }) => {
        const v = visibility(accessOf(req).actor, 'keys.read');
        return { object: 'list' as const, data: await deps.keys.list(v, { teamId: q.team_id, userId: q.user_id }) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/keys/:id',
      permission: 'keys.read',
      summary: 'Show one key.',
      params: IdParams,
      response: KeyViewSchema,
      handler: async ({ params, req }) => {
        const key = await loadKey(deps.keys, params.id);
        authorize(accessOf(req).actor, 'keys.read', keyTarget(key));
        return key;
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/keys/:id',
      permission: 'keys.update',
      summary: "Change a key's name, model and endpoint scopes, IP allowlist, expiry or rate limits.",
      params: IdParams,
      body: UpdateKeyBody,
      response: KeyViewSchema,
      handler: async ({ params, body: b, req }) => {
        const key = await loadKey(deps.keys, params.id);
        const { actor, principal } = accessOf(req);
        authorize(actor, 'keys.update', keyTarget(key));
        const patch = {
          name: b.name,
          allowedModels: b.allowed_models,
          endpoints: b.endpoints,
          ipAllowlist: b.ip_allowlist === undefined ? undefined : b.ip_allowlist && IpAllowlist.parse(b.ip_allowlist, 'ip_allowlist').entries,
          expiresAt: b.expires_at === undefined ? undefined : checkExpiry(b.expires_at, now()),
          rateLimits: b.rate_limits,
        };
        // A key may tighten its own rate limits, never loosen them (it could lift its own throttle).
        if (b.rate_limits !== undefined && principal?.keyId === key.id) assertNotLooser(key.rate_limits, b.rate_limits);
        // A restricted key may narrow keys it reaches, never widen one past itself (its own included).
        const current = limitsOfKey(key);
        const after: KeyLimits = {
          allowedModels: patch.allowedModels === undefined ? current.allowedModels : patch.allowedModels,
          endpoints: patch.endpoints === undefined ? current.endpoints : patch.endpoints,
          ipAllowlist: patch.ipAllowlist === undefined ? current.ipAllowlist : patch.ipAllowlist,
          expiresAt: patch.expiresAt === undefined ? current.expiresAt : patch.expiresAt,
        };
        assertNotBroader(after, await callerKeyLimits(deps.keys, principal));
        const updated = await deps.keys.update(key.id, patch, changeContextOf(req));
        if (!updated) throw notFound(params.id);
        return updated;
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/keys/:id/rotate',
      permission: 'keys.update',
      summary: 'Give a key a new secret; the old one keeps working for grace_period_seconds (default 86400).',
      params: IdParams,
      body: RotateBody,
      response: KeyWithSecretSchema,
      handler: async ({ params, body: b, req }) => {
        const key = await loadKey(deps.keys, params.id);
        const { actor, principal } = accessOf(req);
        authorize(actor, 'keys.update', keyTarget(key));
        assertMayHoldSecret(actor, key);
        assertNotBroader(limitsOfKey(key), await callerKeyLimits(deps.keys, principal));
        const rotated = await deps.keys.rotate(key.id, (b.grace_period_seconds ?? 86_400) * 1000, changeContextOf(req));
        if (!rotated) throw notFound(params.id);
        return { ...rotated.key, key: rotated.secret };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/keys/:id',
      permission: 'keys.revoke',
      summary: 'Revoke a key at once.',
      params: IdParams,
      response: KeyViewSchema,
      handler: async ({ params, req }) => {
        const key = await loadKey(deps.keys, params.id);
        authorize(accessOf(req).actor, 'keys.revoke', keyTarget(key));
        const revoked = await deps.keys.revoke(key.id, changeContextOf(req));
        if (!revoked) throw notFound(params.id);
        return revoked;
      },
    }),
  ];
}

/** Refuses a change that removes or raises any of `current`'s limits. */
function assertNotLooser(current: KeyView['rate_limits'], next: RateLimitSettingsInput): void {
  if (!current) return;
  for (const k of ['requests_per_minute', 'tokens_per_minute', 'max_concurrent'] as const) {
    const was = current[k];
    if (was === undefined) continue;
    const now = next === null ? null : next[k];
    if (now === null || (now !== undefined && now > was)) {
      throw fail('permission_denied', { what: `raise or remove the rate limits of the key you call with (${k})` });
    }
  }
}

function checkExpiry(value: string | null | undefined, now: number): number | null {
  const at = value ? Date.parse(value) : null;
  if (at !== null && at <= now) throw fail('invalid_parameter', { param: 'expires_at', reason: 'must be in the future' });
  return at;
}

async function loadKey(keys: KeyService, id: string): Promise<KeyView> {
  const key = await keys.get(id);
  if (!key) throw notFound(id);
  return key;
}

const notFound = (id: string) => fail('key_not_found', { id });

/** A team of the actor's organization, else 404 (a team elsewhere is reported as missing). */
async function requireTeam(directory: Directory, actor: Actor, teamId: string): Promise<void> {
  const team = await directory.getTeam(teamId);
  if (!team || team.org_id !== actor.orgId) throw fail('team_not_found', { id: teamId }, { param: 'team_id' });
}
