import { z } from 'zod';

/**
 * An amount of US dollars as the API writes it (formatUsd): an exact decimal string with two to
 * nine decimals, e.g. "1.50", "0.000018". For response schemas.
 */
export const UsdAmount = z
  .string()
  .regex(/^-?\d+\.\d{2,9}$/)
  .describe('US dollars, an exact decimal string with 2 to 9 decimals (docs/metering.md)');

/** A price in US dollars per 1M tokens as the API writes it (formatPricePerMillion), e.g. "2.50". */
export const PricePerMillion = z
  .string()
  .regex(/^\d+\.\d{2,9}$/)
  .describe('US dollars per 1M tokens, an exact decimal string');
