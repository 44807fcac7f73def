import { z } from 'zod';
import { priceSheetFields } from './price-sheet-schema.ts';
import { priceText } from './price-text-schema.ts';

/** A model id as OpenAI and self-hosted servers spell them (`gpt-4o`, `ft:gpt-4o-mini:org::id`, `meta-llama/Llama-3-8B`). */
export const modelId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/@+~-]{0,199}$/, 'expected a model id');

const tokens = (max: number) => z.number().int().min(0).max(max);

const fineTunedPrices = z.strictObject({
  input: priceText,
  cached_input: priceText.optional(),
  output: priceText,
  batch: z.strictObject({ input: priceText, cached_input: priceText.optional(), output: priceText }).optional(),
});

const priceEntry = z.strictObject({
  model: modelId.refine((m) => !m.startsWith('ft:'), 'fine-tuned prices go in the base model\'s "fine_tuned"'),
  effective_from: z.iso.date(),
  /** Other ids billed as this model that snapshot stripping would not find (`gpt-4-0125-preview` → `gpt-4-turbo`). */
  aliases: z.array(modelId).optional(),
  ...priceSheetFields,
  /** Prices of models fine-tuned from this one (`ft:<model>:…`). */
  fine_tuned: fineTunedPrices.optional(),
  max_output_tokens: tokens(10_000_000),
  context_window: tokens(100_000_000).min(1),
  note: z.string().max(500).optional(),
});

/**
 * The schema of `openai-prices.json`: a dated price sheet, one entry per model and effective date.
 * @example priceFileSchema.parse(JSON.parse(readFileSync('openai-prices.json', 'utf8')))
 */
export const priceFileSchema = z
  .strictObject({
    as_of: z.iso.date(),
    source: z.url(),
    currency: z.literal('USD'),
    unit: z.literal('per 1M tokens'),
    notes: z.array(z.string()).optional(),
    models: z.array(priceEntry).min(1),
  })
  .superRefine((file, ctx) => {
    const entries = new Set<string>();
    const models = new Set(file.models.map((m) => m.model));
    const aliasOf = new Map<string, string>();
    file.models.forEach((m, i) => {
      const key = `${m.model}@${m.effective_from}`;
      if (entries.has(key)) ctx.addIssue({ code: 'custom', path: ['models', i], message: `duplicate entry ${key}` });
      entries.add(key);
      for (const alias of m.aliases ?? []) {
        const other = aliasOf.get(alias);
        if (models.has(alias) || (other !== undefined && other !== m.model)) {
          ctx.addIssue({ code: 'custom', path: ['models', i, 'aliases'], message: `alias '${alias}' is already a model or another model's alias` });
        }
        aliasOf.set(alias, m.model);
      }
    });
  });

export type PriceFile = z.output<typeof priceFileSchema>;
export type PriceFileEntry = PriceFile['models'][number];
