import { localDayKey, startOfLocalDay } from '../../lib/format.ts';

export interface DayWindow {
  day: string;
  from: string;
  to: string;
}

/** The last `days` days in the person's time zone (oldest first), as from/to windows for /api/usage. */
export function lastDays(days: number, now = new Date()): DayWindow[] {
  const out: DayWindow[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const start = startOfLocalDay(i, now);
    const end = startOfLocalDay(i - 1, now);
    out.push({ day: localDayKey(start), from: start.toISOString(), to: end.toISOString() });
  }
  return out;
}
