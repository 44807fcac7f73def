import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { MembershipTable, OrgTable, TeamTable, UserTable } from '../../state/index.ts';
import { ROLES } from '../permissions/roles.ts';
import { RateLimitSettingsViewSchema, readRateLimits } from '../rate-limit-settings.ts';

/*
 * How the API shows organizations, teams, users and memberships: each view once, as a schema (the
 * routes' response schemas and the OpenAPI document) and the function that builds it, typed from
 * the schema so the two cannot drift. Change records keep the same views.
 */

const time = z.iso.datetime();
const Role = z.enum(ROLES);

/** A user: never a hash, a TOTP secret or recovery codes. */
export const UserViewSchema = z.strictObject({
  id: z.string(),
  object: z.literal('user'),
  org_id: z.string(),
  email: z.string(),
  email_verified: z.boolean().describe('False until the person proved the address (a mailed link, or SSO with a verified email)'),
  name: z.string(),
  org_role: Role.nullable(),
  status: z.enum(['active', 'disabled']),
  has_password: z.boolean(),
  totp_enabled: z.boolean(),
  sso: z.boolean(),
  last_sign_in_at: time.nullable(),
  created_at: time,
});
export type UserView = z.output<typeof UserViewSchema>;

export const TeamViewSchema = z.strictObject({
  id: z.string(),
  object: z.literal('team'),
  org_id: z.string(),
  name: z.string(),
  created_at: time,
  rate_limits: RateLimitSettingsViewSchema.describe("The team's rate limits, shared by all its keys; null: none"),
});
export type TeamView = z.output<typeof TeamViewSchema>;

export const OrgViewSchema = z.strictObject({
  id: z.string(),
  object: z.literal('organization'),
  name: z.string(),
  require_2fa: z.boolean(),
  ip_allowlist: z.array(z.string()).nullable(),
  sso_enabled: z.boolean(),
  allow_unpriced_models: z.boolean(),
  created_at: time,
});
export type OrgView = z.output<typeof OrgViewSchema>;

export const MembershipViewSchema = z.strictObject({ object: z.literal('membership'), team_id: z.string(), user_id: z.string(), role: Role, created_at: time });
export type MembershipView = z.output<typeof MembershipViewSchema>;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function userView(u: Selectable<UserTable>): UserView {
  return {
    id: u.id,
    object: 'user',
    org_id: u.org_id,
    email: u.email,
    email_verified: u.email_verified_at !== null,
    name: u.name,
    org_role: u.org_role,
    status: u.status,
    has_password: u.password_hash !== null,
    totp_enabled: u.totp_enabled_at !== null,
    sso: u.sso_issuer !== null,
    last_sign_in_at: iso(u.last_sign_in_at),
    created_at: new Date(u.created_at).toISOString(),
  };
}

export function teamView(t: Selectable<TeamTable>): TeamView {
  return { id: t.id, object: 'team', org_id: t.org_id, name: t.name, created_at: new Date(t.created_at).toISOString(), rate_limits: readRateLimits(t.rate_limits) };
}

export function orgView(o: Selectable<OrgTable>): OrgView {
  return {
    id: o.id,
    object: 'organization',
    name: o.name,
    require_2fa: o.require_2fa === 1,
    ip_allowlist: o.ip_allowlist ? (JSON.parse(o.ip_allowlist) as string[]) : null,
    sso_enabled: o.sso !== null,
    allow_unpriced_models: o.allow_unpriced_models === 1,
    created_at: new Date(o.created_at).toISOString(),
  };
}

export function membershipView(m: Selectable<MembershipTable>): MembershipView {
  return { object: 'membership', team_id: m.team_id, user_id: m.user_id, role: m.role, created_at: new Date(m.created_at).toISOString() };
}
