import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { ApiKeyTable } from '../state/index.ts';
import { RateLimitSettingsViewSchema, readRateLimits } from './rate-limit-settings.ts';

const time = z.iso.datetime();

/** A key as the API shows it: never the secret or its hash. */
export const KeyViewSchema = z.strictObject({
  id: z.string(),
  object: z.literal('api_key'),
  name: z.string(),
  /** The first characters of the secret, to recognise it. */
  prefix: z.string(),
  kind: z.enum(['personal', 'service']).describe('`personal` (belongs to a user) or `service` (belongs to a team)'),
  org_id: z.string().nullable(),
  team_id: z.string().nullable(),
  user_id: z.string().nullable(),
  role: z.string().nullable().describe("A service key's role in its team; null for a personal key (it acts with its user's roles)"),
  allowed_models: z.array(z.string()).nullable(),
  endpoints: z.array(z.string()).nullable(),
  ip_allowlist: z.array(z.string()).nullable(),
  created_at: time,
  last_used_at: time.nullable(),
  last_used_ip: z.string().nullable(),
  expires_at: time.nullable(),
  revoked_at: time.nullable(),
  rotated_at: time.nullable(),
  previous_secret_expires_at: time.nullable().describe('Until when the secret replaced by the last rotation still works'),
  rate_limits: RateLimitSettingsViewSchema.describe("The key's own rate limits (team, organization and configured limits apply as well); null: none"),
});

export type KeyView = z.output<typeof KeyViewSchema>;

/** A key with its secret: the answer of creating or rotating one, the only time the secret is shown. */
export const KeyWithSecretSchema = KeyViewSchema.extend({ key: z.string().describe('The secret (tg-…), shown this once') });

type KeyRow = Selectable<ApiKeyTable>;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const arr = (s: string | null) => (s ? (JSON.parse(s) as string[]) : null);

/** The view of a stored key. */
export function keyView(row: KeyRow): KeyView {
  return {
    id: row.id,
    object: 'api_key',
    name: row.name,
    prefix: row.prefix,
    kind: row.user_id === null ? 'service' : 'personal',
    org_id: row.org_id,
    team_id: row.team_id,
    user_id: row.user_id,
    role: row.user_id === null ? row.role : null,
    allowed_models: arr(row.allowed_models),
    endpoints: arr(row.endpoints),
    ip_allowlist: arr(row.ip_allowlist),
    created_at: new Date(row.created_at).toISOString(),
    last_used_at: iso(row.last_used_at),
    last_used_ip: row.last_used_ip,
    expires_at: iso(row.expires_at),
    revoked_at: iso(row.revoked_at),
    rotated_at: iso(row.rotated_at),
    previous_secret_expires_at: iso(row.previous_expires_at),
    rate_limits: readRateLimits(row.rate_limits),
  };
}
