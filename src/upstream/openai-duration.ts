/**
 * Durations as OpenAI writes them in `x-ratelimit-reset-*` headers: Go's duration format ("6m0s",
 * "1s", "1.5s", "120ms", "1h2m3s"), and `Retry-After` as seconds or an HTTP date.
 */

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };
const PART = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/y;

/**
 * Formats milliseconds the way OpenAI's reset headers do (rounded up to whole ms).
 * @example formatDuration(360_000) === '6m0s'; formatDuration(1_000) === '1s'; formatDuration(120) === '120ms'
 */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms));
  if (total === 0) return '0s';
  if (total < 1_000) return `${total}ms`;
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const rest = total % 60_000;
  const s = `${Math.floor(rest / 1_000)}${rest % 1_000 ? `.${String(rest % 1_000).padStart(3, '0').replace(/0+$/, '')}` : ''}s`;
  if (h > 0) return `${h}h${m}m${s}`;
  if (m > 0) return `${m}m${s}`;
  return s;
}

/**
 * Parses a Go-style duration ("6m0s", "1.5s", "20ms") into milliseconds; undefined when malformed.
 * @example parseDuration('6m0s') === 360_000
 */
export function parseDuration(text: string | null | undefined): number | undefined {
  if (!text) return undefined;
  const t = text.trim();
  if (t === '0') return 0;
  let ms = 0;
  let at = 0;
  PART.lastIndex = 0;
  while (at < t.length) {
    PART.lastIndex = at;
    const m = PART.exec(t);
    if (!m) return undefined;
    ms += Number(m[1]) * UNIT_MS[m[2]!]!;
    at = PART.lastIndex;
  }
  return at === 0 ? undefined : ms;
}

/**
 * Parses `Retry-After` (delay seconds or an HTTP date) into milliseconds from `now`; undefined when
 * absent or malformed. A date in the past is 0.
 * @example parseRetryAfter('2', now) === 2_000; parseRetryAfter('Wed, 21 Oct 2026 07:28:00 GMT', now)
 */
export function parseRetryAfter(text: string | null | undefined, now: number): number | undefined {
  if (!text) return undefined;
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1_000;
  if (!/[a-z]/i.test(t)) return undefined;
  const at = Date.parse(t);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
