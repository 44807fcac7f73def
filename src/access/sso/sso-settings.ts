import { isIP } from 'node:net';
import { z } from 'zod';
import type { AddressPolicy } from '../../http/index.ts';
import { fail } from '../../errors/index.ts';
import type { GroupRule } from './group-mapping.ts';
import { groupRuleSchema, groupRulesSchema } from './group-rules-schema.ts';
import { TEAM_ROLES, type TeamRole } from './team-role.ts';

/** One group rule as the API and the store spell it: the team is named by id. */
export interface StoredGroupRule {
  group: string;
  team_id: string;
  role: TeamRole;
}

/** An organization's single sign-on settings, as stored (JSON) in `orgs.sso`. */
export interface SsoSettings {
  issuer: string;
  client_id: string;
  /** Null: a public client (PKCE only). Never shown by the API, never in a change record. */
  client_secret: string | null;
  /** Null: openid-client's default (`openid email profile`). */
  scopes: string[] | null;
  groups_claim: string;
  group_rules: StoredGroupRule[];
  /** Granted when none of the user's groups matches a rule; both null: no membership. */
  default_team_id: string | null;
  default_role: TeamRole | null;
  /** Null: any email domain; otherwise the user's email must be in one of these. */
  allowed_email_domains: string[] | null;
  /** Create unknown users on their first sign-in. */
  jit: boolean;
}

/** RFC 6749 scope-token characters. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

const issuer = z
  .string()
  .trim()
  .max(500)
  .refine(isAcceptableIssuer, 'must be an https URL without query, fragment or credentials');

const groupRuleInput = z
  .strictObject({ group: groupRuleSchema.shape.group, team_id: groupRuleSchema.shape.team, role: groupRuleSchema.shape.role })
  .transform((r): GroupRule => ({ group: r.group, team: r.team_id, role: r.role }));

const groupRulesInput = z
  .array(groupRuleInput)
  .max(500)
  .pipe(groupRulesSchema)
  .transform((rules) => rules.map((r): StoredGroupRule => ({ group: r.group, team_id: r.team, role: r.role })));

/** The body of `PUT /api/orgs/:id/sso`. */
export const SsoSettingsBody = z
  .strictObject({
    issuer,
    client_id: z.string().trim().min(1).max(500),
    /** Omitted: keep the stored secret; null: a public client. */
    client_secret: z.string().min(1).max(2000).nullable().optional(),
    scopes: z.array(z.string().regex(SCOPE_TOKEN, 'not a valid OAuth scope').max(100)).min(1).max(30).nullable().optional(),
    groups_claim: z.string().trim().min(1).max(200).optional(),
    group_rules: groupRulesInput.optional(),
    default_team_id: z.string().trim().min(1).max(100).nullable().optional(),
    default_role: z.enum(TEAM_ROLES, { error: `role must be one of ${TEAM_ROLES.join(', ')}` }).nullable().optional(),
    allowed_email_domains: z
      .array(z.string().trim().toLowerCase().regex(DOMAIN, 'not a domain name'))
      .min(1)
      .max(100)
      .nullable()
      .optional(),
    jit: z.boolean().optional(),
  })
  .superRefine((b, ctx) => {
    const team = b.default_team_id ?? null;
    const role = b.default_role ?? null;
    if (team !== null && role === null) ctx.addIssue({ code: 'custom', path: ['default_role'], message: 'required when default_team_id is set' });
    if (role !== null && team === null) ctx.addIssue({ code: 'custom', path: ['default_team_id'], message: 'required when default_role is set' });
  });

export type SsoSettingsInput = z.output<typeof SsoSettingsBody>;

/**
 * The settings to store for a PUT: defaults filled in; an omitted `client_secret` keeps the
 * stored one (so a settings page can save without re-entering it).
 * @example settingsFromInput(body, currentSettings) // body: the validated SsoSettingsBody
 */
export function settingsFromInput(input: SsoSettingsInput, current: SsoSettings | null): SsoSettings {
  return {
    issuer: input.issuer,
    client_id: input.client_id,
    client_secret: input.client_secret === undefined ? (current?.client_secret ?? null) : input.client_secret,
    scopes: input.scopes ?? null,
    groups_claim: input.groups_claim ?? 'groups',
    group_rules: input.group_rules ?? [],
    default_team_id: input.default_team_id ?? null,
    default_role: input.default_role ?? null,
    allowed_email_domains: input.allowed_email_domains ? [...new Set(input.allowed_email_domains)] : null,
    jit: input.jit ?? true,
  };
}

/** Reads `orgs.sso`; null when the organization has no single sign-on. */
export function readSsoSettings(stored: string | null): SsoSettings | null {
  return stored === null ? null : (JSON.parse(stored) as SsoSettings);
}

const redirectUriField = z.string().nullable().describe('The callback to register at the identity provider (TOLLGATE_PUBLIC_URL + /api/auth/sso/callback); null until TOLLGATE_PUBLIC_URL is set');

/** The settings as the API shows them: never the client secret, only whether one is set. */
export const SsoSettingsViewSchema = z.discriminatedUnion('enabled', [
  z.strictObject({ object: z.literal('sso_settings'), org_id: z.string(), enabled: z.literal(false), redirect_uri: redirectUriField }),
  z.strictObject({
    object: z.literal('sso_settings'),
    org_id: z.string(),
    enabled: z.literal(true),
    redirect_uri: redirectUriField,
    issuer: z.string(),
    client_id: z.string(),
    client_secret_set: z.boolean(),
    scopes: z.array(z.string()).nullable(),
    groups_claim: z.string(),
    group_rules: z.array(z.strictObject({ group: z.string(), team_id: z.string(), role: z.enum(TEAM_ROLES) })),
    default_team_id: z.string().nullable(),
    default_role: z.enum(TEAM_ROLES).nullable(),
    allowed_email_domains: z.array(z.string()).nullable(),
    jit: z.boolean(),
  }),
]);
export type SsoSettingsView = z.output<typeof SsoSettingsViewSchema>;

/**
 * The settings as the API shows them and as change records keep them: never the client secret,
 * only whether one is set.
 */
export function ssoSettingsView(orgId: string, settings: SsoSettings | null, redirectUri: string | null): SsoSettingsView {
  if (settings === null) return { object: 'sso_settings', org_id: orgId, enabled: false, redirect_uri: redirectUri };
  const { client_secret, ...shown } = settings;
  return { object: 'sso_settings', org_id: orgId, enabled: true, redirect_uri: redirectUri, ...shown, client_secret_set: client_secret !== null };
}

/** The group rules in the shape `mapGroups` takes. */
export function groupRulesOf(settings: SsoSettings): GroupRule[] {
  return settings.group_rules.map((r) => ({ group: r.group, team: r.team_id, role: r.role }));
}

function isAcceptableIssuer(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') return false;
  return url.protocol === 'https:' || url.protocol === 'http:';
}

/**
 * Why Tollgate will not call this issuer, judged from the URL alone (the outbound fetch judges
 * again at connect time, after DNS): plain http, or an address or host name the outbound policy
 * refuses (loopback, private, link-local, metadata; however the address is spelled). Undefined
 * when it may be tried.
 * @example issuerRefusal('https://169.254.169.254', policy) // 'a link-local address'
 */
export function issuerRefusal(issuer: string, policy: AddressPolicy): string | undefined {
  const url = new URL(issuer);
  const plaintext = url.protocol === 'http:';
  if (plaintext && policy.allowance.privateRanges === 'off') return 'plain http (only https is allowed)';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const why = isIP(host) ? policy.refusal(host, plaintext) : policy.hostnameRefusal(host);
  return why;
}

/** 404 for an organization without single sign-on (or an unknown one: the two are not told apart). */
export function ssoNotConfigured() {
  return fail('sso_not_configured');
}
