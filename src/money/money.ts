/**
 * Money is integer nano-dollars (1e-9 USD) everywhere inside Tollgate: exact to add, and safe in a
 * JS number up to about 9 million dollars. Prices are integer pico-dollars (1e-12 USD) per token, so
 * every published OpenAI price (at most six decimals per million tokens) is exact.
 */
export type Nanos = number;
/** Pico-dollars per token. */
export type PicosPerToken = number;

const USD = /^(\d{1,12})(?:\.(\d{1,9}))?$/;

/** Thrown for a money string that is not a non-negative decimal within range. */
export class MoneyFormatError extends Error {
  override name = 'MoneyFormatError';
}

/**
 * Parses a decimal USD string (`"5"`, `"5.00"`, `"0.000000001"`) into nano-dollars.
 * Negative, NaN, exponent notation, more than 9 decimals and absurd amounts are refused.
 * @example parseUsd('2.50') === 2_500_000_000
 */
export function parseUsd(text: string): Nanos {
  const m = USD.exec(text.trim());
  if (!m) throw new MoneyFormatError(`'${text}' is not a non-negative decimal amount of USD with at most 9 decimals`);
  const nanos = Number(m[1]) * 1e9 + Number((m[2] ?? '').padEnd(9, '0'));
  if (!Number.isSafeInteger(nanos)) throw new MoneyFormatError(`'${text}' is too large`);
  return nanos;
}

/**
 * THE money format of the API (docs/metering.md): every amount Tollgate shows (usage, budgets,
 * alerts, prices, the cost header and trailer) is written by this function, as a decimal string of
 * US dollars that is exact (up to nine decimals: nano-dollars) with at least two decimals and no
 * other trailing zeros, so one amount always reads the same: 1500000000 → "1.50", 0 → "0.00",
 * 18000 → "0.000018", 123 → "0.000000123".
 */
export function formatUsd(nanos: Nanos): string {
  const sign = nanos < 0 ? '-' : '';
  const abs = Math.abs(nanos);
  const whole = Math.floor(abs / 1e9);
  let frac = String(abs % 1e9).padStart(9, '0').replace(/0+$/, '');
  if (frac.length < 2) frac = frac.padEnd(2, '0');
  return `${sign}${whole}.${frac}`;
}

/**
 * Parses a price in USD per 1M tokens (`"2.50"`) into pico-dollars per token (2_500_000).
 * @example parsePricePerMillion('0.025') === 25_000
 */
export function parsePricePerMillion(text: string): PicosPerToken {
  const m = /^(\d{1,6})(?:\.(\d{1,6}))?$/.exec(text.trim());
  if (!m) throw new MoneyFormatError(`'${text}' is not a non-negative price per 1M tokens with at most 6 decimals`);
  return Number(m[1]) * 1e6 + Number((m[2] ?? '').padEnd(6, '0'));
}

/** Formats pico-dollars per token back as USD per 1M tokens: 2_500_000 → "2.50". */
export function formatPricePerMillion(picos: PicosPerToken): string {
  return formatUsd(picos * 1000);
}

/** tokens × price, in pico-dollars (exact while below 2^53, i.e. for any single request). */
export function picosFor(tokens: number, price: PicosPerToken): number {
  return tokens * price;
}

/** Rounds pico-dollars to nano-dollars, half up. */
export function picosToNanos(picos: number): Nanos {
  return Math.floor((picos + 500) / 1000);
}
