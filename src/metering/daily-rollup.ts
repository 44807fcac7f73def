import type { Insertable, Transaction } from 'kysely';
import type { Database, UsageDailyTable } from '../state/index.ts';
import type { UsageRecord } from './usage-record.ts';

type DailyRow = Insertable<UsageDailyTable> & Omit<UsageDailyTable, 'day' | 'key_id' | 'model'>;

/** Folds ledger rows into day (UTC) × key × model sums, in memory, for one upsert per group. */
export function rollUp(rows: readonly UsageRecord[]): DailyRow[] {
  const groups = new Map<string, DailyRow>();
  for (const r of rows) {
    const day = new Date(r.created_at).toISOString().slice(0, 10);
    const key = r.key_id ?? '';
    const model = r.model_requested ?? r.model_served ?? '';
    const id = `${day}\u0000${key}\u0000${model}`;
    let g = groups.get(id);
    if (!g) {
      g = { day, key_id: key, model, requests: 0, errors: 0, prompt_tokens: 0, cached_tokens: 0, completion_tokens: 0, reasoning_tokens: 0, cost_nanos: 0, unpriced_requests: 0, estimated_requests: 0 };
      groups.set(id, g);
    }
    g.requests += 1;
    if (r.status >= 400 || r.error_code !== null) g.errors += 1;
    g.prompt_tokens += r.prompt_tokens;
    g.cached_tokens += r.cached_tokens;
    g.completion_tokens += r.completion_tokens;
    g.reasoning_tokens += r.reasoning_tokens;
    if (r.cost_nanos === null) {
      if (r.status < 400 && r.prompt_tokens + r.completion_tokens > 0) g.unpriced_requests += 1;
    } else {
      g.cost_nanos += r.cost_nanos;
    }
    if (r.estimated) g.estimated_requests += 1;
  }
  return [...groups.values()];
}

/** The summed columns of usage_daily, in a fixed order (the SQLite writer thread lays rows out by it). */
export const DAILY_SUMS = [
  'requests', 'errors', 'prompt_tokens', 'cached_tokens', 'completion_tokens', 'reasoning_tokens',
  'cost_nanos', 'unpriced_requests', 'estimated_requests',
] as const;

/** The key columns of usage_daily. */
export const DAILY_KEYS = ['day', 'key_id', 'model'] as const;

/** A day row as values in the order DAILY_KEYS then DAILY_SUMS. */
export function dailyValues(g: DailyRow): unknown[] {
  return [g.day, g.key_id, g.model, ...DAILY_SUMS.map((c) => g[c])];
}

/** Adds the groups to usage_daily (insert or add to the existing sums); same SQL on SQLite and PostgreSQL. */
export async function upsertDaily(trx: Transaction<Database>, groups: DailyRow[]): Promise<void> {
  if (groups.length === 0) return;
  await trx
    .insertInto('usage_daily')
    .values(groups)
    .onConflict((oc) =>
      oc.columns(['day', 'key_id', 'model']).doUpdateSet((eb) =>
        Object.fromEntries(DAILY_SUMS.map((c) => [c, eb(`usage_daily.${c}`, '+', eb.ref(`excluded.${c}`))])),
      ),
    )
    .execute();
}
