/** Tables of the prices part of metering (see migrations/0002-prices.ts). */
export interface PriceTables {
  price_overrides: PriceOverrideTable;
}

/**
 * A price an admin set for a model id or family (negotiated rate, fine-tuned or self-hosted model).
 * Rows are never rewritten by a later price: a new price is a new row with its own `effective_from`.
 */
export interface PriceOverrideTable {
  id: string;
  /** Exact model id (`ft:gpt-4o-mini:acme::abc`) or family (`gpt-4o`). */
  model: string;
  /** Epoch milliseconds from which the price applies. */
  effective_from: number;
  /** JSON object of decimal strings in USD per 1M tokens: `{"input":"1.00","output":"4.00","batch":{…}}`. */
  prices: string;
  max_output_tokens: number;
  context_window: number;
  note: string | null;
  created_at: number;
  created_by: string | null;
}
