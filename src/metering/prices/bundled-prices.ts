import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { priceFileSchema, type PriceFileEntry } from './price-file-schema.ts';
import type { ModelPrice } from './price-sheet.ts';
import { toPriceSheet } from './price-sheet-schema.ts';

/** The validated contents of a price data file, ready for the catalog. */
export interface PriceData {
  asOf: string;
  source: string;
  /** One price per model key and effective date; fine-tuned prices are under `ft:<model>`. */
  entries: ModelPrice[];
  /** alias → model key. */
  aliases: Map<string, string>;
}

/** The data file shipped with Tollgate: OpenAI's published prices. */
export const BUNDLED_PRICE_FILE = new URL('./openai-prices.json', import.meta.url);

/**
 * Reads and validates a price data file; bad data throws, naming every bad field, so start-up fails loudly.
 * @example const data = readPriceFile(BUNDLED_PRICE_FILE); data.entries.length > 30
 */
export function readPriceFile(file: URL | string = BUNDLED_PRICE_FILE): PriceData {
  return parsePriceData(JSON.parse(readFileSync(file, 'utf8')), String(file));
}

/** Validates already-parsed price data (`origin` names it in errors). */
export function parsePriceData(json: unknown, origin = 'price data'): PriceData {
  const parsed = priceFileSchema.safeParse(json);
  if (!parsed.success) throw new Error(`invalid price data in ${origin}: ${describeIssues(parsed.error)}`);
  const file = parsed.data;
  const entries: ModelPrice[] = [];
  const aliases = new Map<string, string>();
  for (const m of file.models) {
    entries.push(catalogPrice(m));
    if (m.fine_tuned) entries.push(fineTunedPrice(m));
    for (const alias of m.aliases ?? []) aliases.set(alias, m.model);
  }
  return { asOf: file.as_of, source: file.source, entries, aliases };
}

function catalogPrice(m: PriceFileEntry): ModelPrice {
  return Object.freeze({
    ...toPriceSheet(m),
    model: m.model,
    source: 'catalog',
    effectiveFrom: Date.parse(`${m.effective_from}T00:00:00Z`),
    maxOutputTokens: m.max_output_tokens,
    contextWindow: m.context_window,
    note: m.note ?? null,
  });
}

function fineTunedPrice(m: PriceFileEntry): ModelPrice {
  const ft = m.fine_tuned!;
  return Object.freeze({
    ...toPriceSheet({ input: ft.input, cached_input: ft.cached_input, output: ft.output, batch: ft.batch }),
    model: `ft:${m.model}`,
    source: 'catalog',
    effectiveFrom: Date.parse(`${m.effective_from}T00:00:00Z`),
    maxOutputTokens: m.max_output_tokens,
    contextWindow: m.context_window,
    note: `fine-tuned ${m.model}`,
  });
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 20)
    .map((i) => `${i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || '(root)'}: ${i.message}`)
    .join('; ');
}
