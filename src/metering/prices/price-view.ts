import { z } from 'zod';
import type { PriceOverride } from './price-override-store.ts';
import type { ModelPrice } from './price-sheet.ts';
import { priceSheetText, priceSheetTextFields } from './price-sheet-schema.ts';

/** A price as the API shows it: decimal strings in USD per 1M tokens, ISO times. */
export const PriceView = z.object({
  object: z.literal('model_price'),
  /** The id asked about (or listed). */
  model: z.string(),
  /** The id the price is kept under (family, exact id, or `ft:<family>`). */
  priced_as: z.string(),
  source: z.enum(['catalog', 'override']),
  effective_from: z.iso.datetime(),
  ...priceSheetTextFields,
  max_output_tokens: z.number().int().min(0),
  context_window: z.number().int().min(1),
  note: z.string().nullable(),
});
export type PriceView = z.output<typeof PriceView>;

/** A price override as the API shows it. */
export const PriceOverrideView = z.object({
  object: z.literal('price_override'),
  id: z.string(),
  model: z.string(),
  effective_from: z.iso.datetime(),
  ...priceSheetTextFields,
  max_output_tokens: z.number().int().min(0),
  context_window: z.number().int().min(1),
  note: z.string().nullable(),
  created_at: z.iso.datetime(),
  /** The user who set it; null when set by the operator (CLI). */
  created_by: z.string().nullable(),
});
export type PriceOverrideView = z.output<typeof PriceOverrideView>;

const iso = (ms: number) => new Date(ms).toISOString();

/** @example priceView(catalog.priceFor('gpt-4o-2024-08-06', now)!, 'gpt-4o-2024-08-06').priced_as === 'gpt-4o' */
export function priceView(price: ModelPrice, model: string = price.model): PriceView {
  return {
    object: 'model_price',
    model,
    priced_as: price.model,
    source: price.source,
    effective_from: iso(price.effectiveFrom),
    ...priceSheetText(price),
    max_output_tokens: price.maxOutputTokens,
    context_window: price.contextWindow,
    note: price.note,
  };
}

export function priceOverrideView(o: PriceOverride): PriceOverrideView {
  return {
    object: 'price_override',
    id: o.id,
    model: o.model,
    effective_from: iso(o.effectiveFrom),
    ...priceSheetText(o.sheet),
    max_output_tokens: o.maxOutputTokens,
    context_window: o.contextWindow,
    note: o.note,
    created_at: iso(o.createdAt),
    created_by: o.createdBy,
  };
}
