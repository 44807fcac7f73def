import { z } from 'zod';
import { modelId } from './price-file-schema.ts';
import { priceSheetFields } from './price-sheet-schema.ts';

/** An ISO time with offset, a date (midnight UTC) or epoch milliseconds, as epoch milliseconds. */
const time = z.union(
  [
    z.string().regex(/^\d{1,15}$/).transform(Number),
    z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
    z.iso.date().transform((s) => Date.parse(`${s}T00:00:00Z`)),
  ],
  { error: 'expected an ISO 8601 time, a date (YYYY-MM-DD) or epoch milliseconds' },
);

export const PriceListQuery = z.strictObject({
  /** Lists the models whose id starts with this. */
  model: z.string().min(1).max(200).optional(),
  at: time.optional(),
});

export const PriceGetQuery = z.strictObject({ at: time.optional() });

export const ModelParam = z.strictObject({ model: modelId });

/** `PUT /api/prices/:model`: a full price for the model; absent optional prices have no separate rate. */
export const PriceOverrideBody = z.strictObject({
  ...priceSheetFields,
  effective_from: z.union([z.iso.datetime({ offset: true }), z.iso.date()], { error: 'expected an ISO 8601 time or a date (YYYY-MM-DD)' }).optional(),
  max_output_tokens: z.number().int().min(0).max(10_000_000).optional(),
  context_window: z.number().int().min(1).max(100_000_000).optional(),
  note: z.string().trim().max(500).optional(),
});
