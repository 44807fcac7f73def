import type { PriceOverride } from './price-override-store.ts';
import type { ModelPrice } from './price-sheet.ts';
import { priceSheetText, type PriceSheetText } from './price-sheet-schema.ts';

/** A price as the API shows it: decimal strings in USD per 1M tokens, ISO times. */
export interface PriceView extends PriceSheetText {
  object: 'model_price';
  /** The id asked about (or listed). */
  model: string;
  /** The id the price is kept under (family, exact id, or `ft:<family>`). */
  priced_as: string;
  source: 'catalog' | 'override';
  effective_from: string;
  max_output_tokens: number;
  context_window: number;
  note: string | null;
}

export interface PriceOverrideView extends PriceSheetText {
  object: 'price_override';
  id: string;
  model: string;
  effective_from: string;
  max_output_tokens: number;
  context_window: number;
  note: string | null;
  created_at: string;
  created_by: string | null;
}

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
