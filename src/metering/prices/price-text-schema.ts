import { z } from 'zod';
import type { ErrorCode } from '../../errors/index.ts';
import { parsePricePerMillion, type PicosPerToken } from '../../money/index.ts';

/** The highest price accepted anywhere, in USD per 1M tokens: above it a price is a typo, not a rate. */
export const MAX_PRICE_PER_MILLION = 10_000;

/** The error code of a price that is not a valid decimal string (routes answer 400 with it). */
export const INVALID_PRICE = 'invalid_price' satisfies ErrorCode;

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * Why a value is not a price in USD per 1M tokens, or null when it is one.
 * @example priceProblem('2.50') === null; priceProblem('-1') === 'must not be negative'
 */
export function priceProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a decimal string such as "2.50"';
  if (value.startsWith('-')) return 'must not be negative';
  const m = DECIMAL.exec(value);
  if (!m) return 'must be a plain decimal number such as "2.50" (no sign, exponent, spaces or NaN)';
  if ((m[2]?.length ?? 0) > 6) return 'must have at most 6 decimals';
  if (m[1]!.length > 6 || parsePricePerMillion(value) > MAX_PRICE_PER_MILLION * 1e6) {
    return `must be at most ${MAX_PRICE_PER_MILLION} (USD per 1M tokens)`;
  }
  return null;
}

/** Said after every price problem, so the fix is in the message. */
const PRICE_HINT = 'Prices are decimal strings of USD per 1M tokens, such as "2.50"';

/**
 * A price in USD per 1M tokens written as a decimal string, parsed to integer picos per token.
 * Negative, NaN, exponent notation, numbers, more than 6 decimals and absurd prices are refused with
 * an issue whose `params.code` is `invalid_price` (the error table's row: 400 naming the field).
 * @example priceText.parse('2.50') === 2_500_000
 */
export const priceText = z
  .unknown()
  .superRefine((value, ctx) => {
    if (value === undefined) {
      ctx.addIssue({ code: 'custom', message: 'is required' });
      return;
    }
    const problem = priceProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: `${problem}. ${PRICE_HINT}`, params: { code: INVALID_PRICE } });
  })
  .transform((value): PicosPerToken => parsePricePerMillion(value as string))
  .meta({ type: 'string', description: 'USD per 1M tokens, a decimal string such as "2.50" (at most 6 decimals, at most 10000)' });
