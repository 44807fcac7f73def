import { z } from 'zod';
import { PricePerMillion } from '../money-schema.ts';
import { formatPricePerMillion, type PicosPerToken } from '../../money/index.ts';
import type { PriceSheet, TierPrice } from './price-sheet.ts';
import { priceText } from './price-text-schema.ts';

const tierPriceSchema = z.strictObject({
  input: priceText,
  cached_input: priceText.optional(),
  output: priceText,
});

/**
 * The price fields shared by the data file and the overrides API: decimal strings in USD per 1M
 * tokens, parsed to integer picos per token. Spread into a `z.strictObject`.
 */
export const priceSheetFields = {
  input: priceText,
  cached_input: priceText.optional(),
  cache_write: priceText.optional(),
  output: priceText,
  audio_input: priceText.optional(),
  audio_output: priceText.optional(),
  image_input: priceText.optional(),
  image_output: priceText.optional(),
  batch: tierPriceSchema.optional(),
  flex: tierPriceSchema.optional(),
  priority: tierPriceSchema.optional(),
};

/** Just the price fields, for validating stored overrides. */
export const priceSheetSchema = z.strictObject(priceSheetFields);

export type ParsedPriceSheet = z.output<typeof priceSheetSchema>;
type ParsedTier = z.output<typeof tierPriceSchema>;

const TierPriceText = z.object({ input: PricePerMillion, cached_input: PricePerMillion.nullable(), output: PricePerMillion });
export type TierPriceText = z.output<typeof TierPriceText>;

/**
 * Prices as decimal strings in USD per 1M tokens, as the API shows and the overrides table keeps
 * them; null where the model has no separate rate. Spread into a view's `z.object`.
 */
export const priceSheetTextFields = {
  input: PricePerMillion,
  cached_input: PricePerMillion.nullable(),
  cache_write: PricePerMillion.nullable(),
  output: PricePerMillion,
  audio_input: PricePerMillion.nullable(),
  audio_output: PricePerMillion.nullable(),
  image_input: PricePerMillion.nullable(),
  image_output: PricePerMillion.nullable(),
  batch: TierPriceText.nullable(),
  flex: TierPriceText.nullable(),
  priority: TierPriceText.nullable(),
};
export type PriceSheetText = z.output<z.ZodObject<typeof priceSheetTextFields>>;

const tier = (t: ParsedTier | undefined): TierPrice | null =>
  t ? { input: t.input, cachedInput: t.cached_input ?? null, output: t.output } : null;

/** Converts parsed price fields to a sheet (absent fields become null). */
export function toPriceSheet(p: ParsedPriceSheet): PriceSheet {
  return {
    input: p.input,
    cachedInput: p.cached_input ?? null,
    cacheWrite: p.cache_write ?? null,
    output: p.output,
    audioInput: p.audio_input ?? null,
    audioOutput: p.audio_output ?? null,
    imageInput: p.image_input ?? null,
    imageOutput: p.image_output ?? null,
    batch: tier(p.batch),
    flex: tier(p.flex),
    priority: tier(p.priority),
  };
}

const text = (picos: PicosPerToken | null) => (picos === null ? null : formatPricePerMillion(picos));
const tierText = (t: TierPrice | null): TierPriceText | null =>
  t ? { input: formatPricePerMillion(t.input), cached_input: text(t.cachedInput), output: formatPricePerMillion(t.output) } : null;

/**
 * Shows a sheet as decimal strings in USD per 1M tokens.
 * @example priceSheetText(sheet).input === '2.50'
 */
export function priceSheetText(s: PriceSheet): PriceSheetText {
  return {
    input: formatPricePerMillion(s.input),
    cached_input: text(s.cachedInput),
    cache_write: text(s.cacheWrite),
    output: formatPricePerMillion(s.output),
    audio_input: text(s.audioInput),
    audio_output: text(s.audioOutput),
    image_input: text(s.imageInput),
    image_output: text(s.imageOutput),
    batch: tierText(s.batch),
    flex: tierText(s.flex),
    priority: tierText(s.priority),
  };
}

/** The sheet as the overrides table stores it: only the prices that are set, as decimal strings. */
export function storedPriceSheet(s: PriceSheet): string {
  return JSON.stringify(priceSheetText(s), (_key, value: unknown) => (value === null ? undefined : value));
}
