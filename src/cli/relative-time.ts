const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A time as a person reads it in a listing: `just now`, `3 min ago`, `2 hours ago`, `in 5 days`;
 * more than 30 days away, the date (`on 2025-01-31`). `null` is `whenNull` (e.g. `never`).
 * @example relativeTime(Date.now() - 180_000) // '3 min ago'
 */
export function relativeTime(at: number | string | null, whenNull = 'never', now = Date.now()): string {
  if (at === null) return whenNull;
  const ms = typeof at === 'number' ? at : Date.parse(at);
  if (Number.isNaN(ms)) return String(at);
  const delta = ms - now;
  const span = Math.abs(delta);
  if (span < 45_000) return 'just now';
  if (span > 30 * DAY) return `on ${new Date(ms).toISOString().slice(0, 10)}`;
  const [n, unit] =
    span < HOUR ? [Math.max(1, Math.round(span / MINUTE)), 'min'] : span < DAY ? [Math.round(span / HOUR), 'hour'] : [Math.round(span / DAY), 'day'];
  const amount = unit === 'min' || n === 1 ? `${n} ${unit}` : `${n} ${unit}s`;
  return delta < 0 ? `${amount} ago` : `in ${amount}`;
}
