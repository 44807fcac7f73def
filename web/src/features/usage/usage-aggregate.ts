import type { UsageRow } from '../../api/types.ts';
import { localDayKey } from '../../lib/format.ts';
import { parseUsd } from '../../lib/money.ts';

export type Dimension = 'day' | 'model' | 'key' | 'user' | 'team';

/** One group of ledger rows: how many requests, tokens, and what they cost (exact nano-dollars). */
export interface UsageGroup {
  key: string;
  requests: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
  costNanos: bigint;
  /** Requests whose model had no price (cost unknown, not 0). */
  unpriced: number;
}

function keyOf(row: UsageRow, dim: Dimension): string {
  switch (dim) {
    case 'day':
      return localDayKey(new Date(row.created_at));
    case 'model':
      // The model people asked for (gpt-4o), not the snapshot that served it (gpt-4o-2024-08-06).
      return row.model_requested ?? row.model_served ?? 'unknown';
    case 'key':
      return row.key_id ?? 'no key';
    case 'user':
      return row.user_id ?? 'service keys';
    case 'team':
      return row.team_id ?? 'no team';
  }
}

/**
 * Groups ledger rows by a dimension, summing money exactly. Days are the person's local days and
 * include every day of [from, to) even without requests, so a chart shows the gaps.
 */
export function aggregate(rows: readonly UsageRow[], dim: Dimension, range?: { from: Date; to: Date }): UsageGroup[] {
  const groups = new Map<string, UsageGroup>();
  const get = (key: string) => {
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, requests: 0, errors: 0, promptTokens: 0, completionTokens: 0, costNanos: 0n, unpriced: 0 }));
    return g;
  };
  if (dim === 'day' && range) {
    for (let d = new Date(range.from.getFullYear(), range.from.getMonth(), range.from.getDate()); d < range.to; d = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1)) get(localDayKey(d));
  }
  for (const r of rows) {
    const g = get(keyOf(r, dim));
    g.requests++;
    if (r.status >= 400) g.errors++;
    g.promptTokens += r.prompt_tokens;
    g.completionTokens += r.completion_tokens;
    const cost = parseUsd(r.cost_usd);
    if (cost === null) g.unpriced++;
    else g.costNanos += cost;
  }
  const out = [...groups.values()];
  if (dim === 'day') out.sort((a, b) => (a.key < b.key ? -1 : 1));
  else out.sort((a, b) => (b.costNanos > a.costNanos ? 1 : b.costNanos < a.costNanos ? -1 : b.requests - a.requests));
  return out;
}
