import type { Store } from '../../state/index.ts';

/**
 * How many audit records of each of `actions` an organization has in [from, to): what the
 * compliance report counts (privacy requests, guardrail blocks). Actions with none are 0.
 */
export async function countAuditActions(store: Store, q: { orgId: string; from: number; to: number; actions: readonly string[] }): Promise<Record<string, number>> {
  const counts: Record<string, number> = Object.fromEntries(q.actions.map((a) => [a, 0]));
  if (q.actions.length === 0) return counts;
  const rows = await store.db
    .selectFrom('audit_events')
    .select((eb) => ['action', eb.fn.countAll<number>().as('n')])
    .where('org_id', '=', q.orgId)
    .where('action', 'in', [...q.actions])
    .where('at', '>=', q.from)
    .where('at', '<', q.to)
    .groupBy('action')
    .execute();
  for (const r of rows) counts[r.action] = Number(r.n);
  return counts;
}

/** The rules behind an organization's `guard.blocked` records in [from, to), with their counts (most first; at most 10,000 records read). */
export function guardBlocksByRule(store: Store, q: { orgId: string; from: number; to: number }): Promise<{ rule: string; count: number }[]> {
  return guardHitsByRule(store, { ...q, action: 'guard.blocked' });
}

/**
 * The rules behind an organization's guard records of one action in [from, to) (`guard.blocked`
 * names one rule, `guard.flagged` a list), with their counts, most first; at most 10,000 records read.
 */
export async function guardHitsByRule(store: Store, q: { orgId: string; from: number; to: number; action: 'guard.blocked' | 'guard.flagged' }): Promise<{ rule: string; count: number }[]> {
  const rows = await store.db
    .selectFrom('audit_events')
    .select('details')
    .where('org_id', '=', q.orgId)
    .where('action', '=', q.action)
    .where('at', '>=', q.from)
    .where('at', '<', q.to)
    .limit(10_000)
    .execute();
  const byRule = new Map<string, number>();
  const count = (rule: string) => byRule.set(rule, (byRule.get(rule) ?? 0) + 1);
  for (const r of rows) {
    let rules: string[] = ['unknown'];
    try {
      const d = JSON.parse(r.details) as { rule?: unknown; rules?: unknown };
      if (typeof d.rule === 'string') rules = [d.rule];
      else if (Array.isArray(d.rules) && d.rules.length > 0) rules = d.rules.filter((x): x is string => typeof x === 'string');
    } catch {
      // a record whose details are not JSON still counts
    }
    for (const rule of rules) count(rule);
  }
  return [...byRule].map(([rule, count]) => ({ rule, count })).sort((a, b) => b.count - a.count || a.rule.localeCompare(b.rule));
}
