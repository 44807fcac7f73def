/**
 * Money in the app: the API sends US dollars as decimal strings ("0.000123"); sums are done in
 * integer nano-dollars (bigint), never in floats, and rounded only for display.
 */

const NANOS_PER_USD = 1_000_000_000n;

/**
 * Parses a decimal USD string into nano-dollars. Returns null for null, undefined or malformed input.
 * @example parseUsd('0.000123') === 123000n
 */
export function parseUsd(text: string | null | undefined): bigint | null {
  if (text === null || text === undefined) return null;
  const m = /^(-)?(\d+)(?:\.(\d{1,9}))?$/.exec(text.trim());
  if (!m) return null;
  const nanos = BigInt(m[2]!) * NANOS_PER_USD + BigInt((m[3] ?? '').padEnd(9, '0'));
  return m[1] ? -nanos : nanos;
}

/** Sums decimal USD strings exactly; null entries (unknown cost) are skipped. */
export function sumUsd(values: Iterable<string | null | undefined>): bigint {
  let total = 0n;
  for (const v of values) total += parseUsd(v) ?? 0n;
  return total;
}

/** Nano-dollars as an exact decimal string (what the API would send): 123000n → "0.000123". */
export function nanosToDecimal(nanos: bigint): string {
  const sign = nanos < 0n ? '-' : '';
  const abs = nanos < 0n ? -nanos : nanos;
  const whole = abs / NANOS_PER_USD;
  const frac = String(abs % NANOS_PER_USD).padStart(9, '0').replace(/0+$/, '');
  return `${sign}${whole}${frac ? `.${frac}` : ''}`;
}

/**
 * Formats nano-dollars for people: cents for amounts of a dollar or more ("$12.34"), four
 * significant digits below ("$0.002135", "$0.0000421"), "$0.00" for zero.
 */
export function formatUsd(nanos: bigint | null | undefined, options: { unknown?: string } = {}): string {
  if (nanos === null || nanos === undefined) return options.unknown ?? '—';
  const negative = nanos < 0n;
  const abs = negative ? -nanos : nanos;
  const sign = negative ? '−' : '';
  if (abs === 0n) return '$0.00';
  if (abs >= NANOS_PER_USD) {
    const cents = (abs + 5_000_000n) / 10_000_000n;
    const dollars = cents / 100n;
    return `${sign}$${dollars.toLocaleString('en-US')}.${String(cents % 100n).padStart(2, '0')}`;
  }
  // Below $1: keep four significant digits, at most nine decimals.
  const digits = String(abs).length; // abs < 1e9
  const decimals = Math.min(9, Math.max(2, 9 - digits + 4));
  const unit = 10n ** BigInt(9 - decimals);
  const rounded = (abs + unit / 2n) / unit;
  const text = String(rounded).padStart(decimals, '0');
  const trimmed = text.replace(/0+$/, '').padEnd(2, '0');
  return `${sign}$0.${trimmed}`;
}

/** A decimal USD string formatted for people. */
export function formatUsdText(text: string | null | undefined, options: { unknown?: string } = {}): string {
  return formatUsd(parseUsd(text), options);
}

/** Cost of `tokens` at a price in USD per 1M tokens (decimal string), in nano-dollars, rounded half up. */
export function costOfTokens(tokens: number, usdPerMillion: string | null | undefined): bigint | null {
  const price = parseUsd(usdPerMillion);
  if (price === null) return null;
  // price (nanos per 1M tokens) × tokens / 1M
  return (price * BigInt(Math.max(0, Math.round(tokens))) + 500_000n) / 1_000_000n;
}

/** Share of `part` in `whole` as a number from 0 to 1 (0 when whole is 0). */
export function ratio(part: bigint, whole: bigint): number {
  if (whole <= 0n) return 0;
  return Number((part * 1_000_000n) / whole) / 1_000_000;
}
