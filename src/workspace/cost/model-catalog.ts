import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ModelMatcher } from '../../access/index.ts';
import { formatPricePerMillion, PricePerMillion } from '../../metering/index.ts';
import type { PriceCatalog } from '../../metering/prices/index.ts';

const CapabilityFile = z.object({
  families: z.array(z.strictObject({ prefix: z.string().min(1), capabilities: z.array(z.string().min(1)) })).min(1),
});

/** The capability table, validated once when this module loads. */
const FAMILIES = CapabilityFile.parse(JSON.parse(readFileSync(new URL('./model-capabilities.json', import.meta.url), 'utf8'))).families;

/** What a model can do (`chat`, `vision`, `tools`, `reasoning`, …); empty: not a chat model. */
export function capabilitiesOf(model: string): string[] {
  const id = model.toLowerCase();
  return FAMILIES.find((f) => id.startsWith(f.prefix))?.capabilities ?? [];
}

/** A model as the chat's model switch and model card show it. */
export const CatalogModel = z.object({
  id: z.string(),
  input_usd_per_1m: PricePerMillion,
  output_usd_per_1m: PricePerMillion,
  cached_input_usd_per_1m: PricePerMillion.nullable(),
  context_window: z.number().int(),
  max_output_tokens: z.number().int(),
  capabilities: z.array(z.string()),
});
export type CatalogModel = z.output<typeof CatalogModel>;

/**
 * The chat models with a price, that the caller may use (a key's model scope applies), with their
 * prices, context window and output limit as the price catalog has them at `at`.
 */
export function chatModels(catalog: PriceCatalog, allowed: ModelMatcher | null, at: number = Date.now()): CatalogModel[] {
  return catalog.list(at).flatMap(({ model, price }) => {
    const capabilities = capabilitiesOf(model);
    if (!capabilities.includes('chat') || (allowed && !allowed.allows(model))) return [];
    return [
      {
        id: model,
        input_usd_per_1m: formatPricePerMillion(price.input),
        output_usd_per_1m: formatPricePerMillion(price.output),
        cached_input_usd_per_1m: price.cachedInput === null ? null : formatPricePerMillion(price.cachedInput),
        context_window: price.contextWindow,
        max_output_tokens: price.maxOutputTokens,
        capabilities,
      },
    ];
  });
}
