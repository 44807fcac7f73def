import { z } from 'zod';
import type { Store } from '../state/index.ts';

/**
 * The rate limits a key or a team carries (PATCH /api/keys/:id, PATCH /api/teams/:id; shown in their
 * views). Each field is a positive integer or null (no such limit); `rate_limits: null` clears all.
 * The traffic module turns them into rules with scope `key` or `team`.
 */
export const RateLimitSettingsSchema = z
  .strictObject({
    requests_per_minute: z.number().int().min(1).max(1_000_000_000).nullable().optional(),
    tokens_per_minute: z.number().int().min(1).max(1_000_000_000_000).nullable().optional(),
    max_concurrent: z.number().int().min(1).max(1_000_000).nullable().optional(),
  })
  .nullable()
  .describe('Rate limits of its own: requests and tokens per minute, concurrent requests; null: none');

export type RateLimitSettingsInput = z.output<typeof RateLimitSettingsSchema>;

/** As stored and shown: only the limits that are set. */
export interface RateLimitSettings {
  requests_per_minute?: number;
  tokens_per_minute?: number;
  max_concurrent?: number;
}

export const RateLimitSettingsViewSchema = z
  .strictObject({
    requests_per_minute: z.number().int().optional(),
    tokens_per_minute: z.number().int().optional(),
    max_concurrent: z.number().int().optional(),
  })
  .nullable();

/** The column value for `input` merged onto `current` (undefined fields unchanged, null fields cleared). */
export function mergeRateLimits(current: string | null, input: RateLimitSettingsInput): string | null {
  if (input === null) return null;
  const next: RateLimitSettings = { ...readRateLimits(current) };
  for (const k of ['requests_per_minute', 'tokens_per_minute', 'max_concurrent'] as const) {
    const v = input[k];
    if (v === null) delete next[k];
    else if (v !== undefined) next[k] = v;
  }
  return Object.keys(next).length === 0 ? null : JSON.stringify(next);
}

/** The stored column as settings (null when none). */
export function readRateLimits(column: string | null | undefined): RateLimitSettings | null {
  return column ? (JSON.parse(column) as RateLimitSettings) : null;
}

/** A key's or team's own limits, for the traffic module's rules. */
export interface StoredRateLimits {
  scope: 'key' | 'team';
  id: string;
  limits: RateLimitSettings;
}

/**
 * Every live key and every team with limits of its own (one query each; run at start and when access
 * data changes, never per request).
 */
export async function storedRateLimits(store: Store): Promise<StoredRateLimits[]> {
  const keys = await store.db.selectFrom('api_keys').select(['id', 'rate_limits']).where('rate_limits', 'is not', null).where('revoked_at', 'is', null).execute();
  const teams = await store.db.selectFrom('teams').select(['id', 'rate_limits']).where('rate_limits', 'is not', null).execute();
  return [
    ...keys.map((k) => ({ scope: 'key' as const, id: k.id, limits: readRateLimits(k.rate_limits)! })),
    ...teams.map((t) => ({ scope: 'team' as const, id: t.id, limits: readRateLimits(t.rate_limits)! })),
  ];
}
