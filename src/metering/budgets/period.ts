import { DateTime, IANAZone } from 'luxon';

/** How often a budget starts afresh. `total` never does. */
export type PeriodKind = 'daily' | 'weekly' | 'monthly' | 'total';

export const PERIOD_KINDS: readonly PeriodKind[] = ['daily', 'weekly', 'monthly', 'total'];

/** One period of a budget: a stable id and its bounds in epoch ms (null for `total`). */
export interface Period {
  /** `d:2026-11-25`, `w:2026-W48` (ISO week, Monday start), `m:2026-11` or `total`. */
  id: string;
  start: number | null;
  /** Exclusive; also the reset time. */
  end: number | null;
}

const TOTAL: Period = { id: 'total', start: null, end: null };

/**
 * The period that contains `at`, with local midnights in `timezone` (DST-correct: a day may last
 * 23 or 25 hours). The timezone must be valid (see `canonicalTimezone`).
 * @example periodOf('daily', 'Europe/Berlin', Date.parse('2026-11-25T23:30:00Z'))
 *   // → { id: 'd:2026-11-26', start: Date.parse('2026-11-25T23:00:00Z'), end: Date.parse('2026-11-26T23:00:00Z') }
 */
export function periodOf(kind: PeriodKind, timezone: string, at: number): Period {
  if (kind === 'total') return TOTAL;
  // Every request asks for its budgets' current periods; computing one with time-zone rules costs
  // microseconds, so the last answer per kind and zone is reused while `at` falls inside it.
  const cacheKey = `${kind}|${timezone}`;
  const cached = lastPeriod.get(cacheKey);
  if (cached && at >= cached.start! && at < cached.end!) return cached;
  const period = computePeriod(kind, timezone, at);
  if (lastPeriod.size >= 1_000) lastPeriod.clear();
  lastPeriod.set(cacheKey, period);
  return period;
}

const lastPeriod = new Map<string, Period>();

function computePeriod(kind: Exclude<PeriodKind, 'total'>, timezone: string, at: number): Period {
  const local = DateTime.fromMillis(at, { zone: timezone });
  if (!local.isValid) throw new RangeError(`invalid time zone '${timezone}'`);
  switch (kind) {
    case 'daily': {
      const start = local.startOf('day');
      return { id: `d:${start.toFormat('yyyy-MM-dd')}`, start: start.toMillis(), end: start.plus({ days: 1 }).toMillis() };
    }
    case 'weekly': {
      const start = local.startOf('week');
      return { id: `w:${start.toFormat("kkkk-'W'WW")}`, start: start.toMillis(), end: start.plus({ weeks: 1 }).toMillis() };
    }
    case 'monthly': {
      const start = local.startOf('month');
      return { id: `m:${start.toFormat('yyyy-MM')}`, start: start.toMillis(), end: start.plus({ months: 1 }).toMillis() };
    }
  }
}

/**
 * The canonical IANA name of a time zone (`utc` → `UTC`, `europe/berlin` → `Europe/Berlin`), or
 * undefined when it is not one.
 * @example canonicalTimezone('Europe/Berlin') === 'Europe/Berlin'; canonicalTimezone('Mars/Olympus') === undefined
 */
export function canonicalTimezone(name: string): string | undefined {
  if (name.length === 0 || name.length > 64 || !IANAZone.isValidZone(name)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}
