import type { PicosPerToken } from '../../money/index.ts';

/** The service tiers OpenAI bills differently; `default` is the standard price. */
export type ServiceTier = 'default' | 'batch' | 'flex' | 'priority';

/** Text prices of one non-standard tier, in integer pico-dollars per token. */
export interface TierPrice {
  readonly input: PicosPerToken;
  /** null: cached input tokens cost the tier's input price. */
  readonly cachedInput: PicosPerToken | null;
  readonly output: PicosPerToken;
}

/**
 * Every price of one model, in integer pico-dollars per token (`parsePricePerMillion('2.50')` is
 * 2_500_000). A null price has no separate rate: those tokens cost the input (or output) price.
 */
export interface PriceSheet {
  readonly input: PicosPerToken;
  readonly cachedInput: PicosPerToken | null;
  readonly cacheWrite: PicosPerToken | null;
  readonly output: PicosPerToken;
  readonly audioInput: PicosPerToken | null;
  readonly audioOutput: PicosPerToken | null;
  readonly imageInput: PicosPerToken | null;
  readonly imageOutput: PicosPerToken | null;
  /** null: the model has no price for that tier, and such requests are billed at standard prices. */
  readonly batch: TierPrice | null;
  readonly flex: TierPrice | null;
  readonly priority: TierPrice | null;
}

/**
 * The price of a model at some time, as the catalog resolved it.
 * @example catalog.priceFor('gpt-4o-2024-08-06', Date.now())?.input === 2_500_000 // $2.50 per 1M
 */
export interface ModelPrice extends PriceSheet {
  /** The id the price is kept under: a family (`gpt-4o`), an exact id, or `ft:<family>` for fine-tuned models. */
  readonly model: string;
  readonly source: 'catalog' | 'override';
  /** Epoch milliseconds from which this price applies. */
  readonly effectiveFrom: number;
  /** Largest completion the model can produce; the worst case a budget reserves for. */
  readonly maxOutputTokens: number;
  readonly contextWindow: number;
  readonly note: string | null;
}
