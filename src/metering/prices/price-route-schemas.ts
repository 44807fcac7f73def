import { z } from 'zod';
import { errors, type TollgateError } from '../../http/index.ts';
import { modelId } from './price-file-schema.ts';
import { priceSheetFields } from './price-sheet-schema.ts';
import { INVALID_PRICE } from './price-text-schema.ts';

/** An ISO time with offset, a date (midnight UTC) or epoch milliseconds, as epoch milliseconds. */
const time = z.union([
  z.string().regex(/^\d{1,15}$/).transform(Number),
  z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
  z.iso.date().transform((s) => Date.parse(`${s}T00:00:00Z`)),
]);

export const PriceListQuery = z.strictObject({
  /** Lists the models whose id starts with this. */
  model: z.string().min(1).max(200).optional(),
  at: time.optional(),
});

export const PriceGetQuery = z.strictObject({ at: time.optional() });

export const ModelParam = z.strictObject({ model: modelId });

/** `PUT /prices/:model`: a full price for the model; absent optional prices have no separate rate. */
export const PriceOverrideBody = z.strictObject({
  ...priceSheetFields,
  effective_from: z.union([z.iso.datetime({ offset: true }), z.iso.date()]).optional(),
  max_output_tokens: z.number().int().min(0).max(10_000_000).optional(),
  context_window: z.number().int().min(1).max(100_000_000).optional(),
  note: z.string().trim().max(500).optional(),
});

const PRICE_HINT = 'Prices are decimal strings of USD per 1M tokens, such as "2.50".';

/**
 * The 400 for the first problem in a request: `param` names the field (`input`, `batch.output`),
 * `code` is `invalid_price` for a bad price, `missing_required_parameter` for a missing one, and
 * `invalid_parameter` otherwise.
 */
export function invalidRequest(error: z.ZodError, fallbackParam: string): TollgateError {
  const issue = error.issues[0]!;
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
  const param = path.map(String).join('.') || fallbackParam;
  const code = issue.code === 'custom' && typeof issue.params?.code === 'string' ? issue.params.code : 'invalid_parameter';
  const reason = issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message;
  const hint = code === INVALID_PRICE ? ` ${PRICE_HINT}` : '';
  return errors.badRequest(code, `Invalid '${param}': ${reason}.${hint}`, param);
}
