import { randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Database, Store } from '../../state/index.ts';
import type { PriceSheet } from './price-sheet.ts';
import { priceSheetSchema, storedPriceSheet, toPriceSheet } from './price-sheet-schema.ts';

type OverrideRow = Selectable<Database['price_overrides']>;

/** One admin price for a model id or family, as stored. */
export interface PriceOverride {
  id: string;
  model: string;
  /** Epoch milliseconds. */
  effectiveFrom: number;
  sheet: PriceSheet;
  maxOutputTokens: number;
  contextWindow: number;
  note: string | null;
  createdAt: number;
  createdBy: string | null;
}

export type NewPriceOverride = Omit<PriceOverride, 'id'>;

/** Reads and writes the `price_overrides` table. */
export class PriceOverrideStore {
  constructor(private readonly store: Store) {}

  /** Every override; a row whose prices do not validate throws, naming it. */
  async list(): Promise<PriceOverride[]> {
    const rows = await this.store.db.selectFrom('price_overrides').selectAll().orderBy('model').orderBy('effective_from').execute();
    return rows.map(fromRow);
  }

  /** Creates the override, or replaces the one with the same model and effective date. */
  async upsert(o: NewPriceOverride): Promise<PriceOverride> {
    const values = {
      prices: storedPriceSheet(o.sheet),
      max_output_tokens: o.maxOutputTokens,
      context_window: o.contextWindow,
      note: o.note,
      created_at: o.createdAt,
      created_by: o.createdBy,
    };
    await this.store.db
      .insertInto('price_overrides')
      .values({ id: `price_${randomBytes(12).toString('hex')}`, model: o.model, effective_from: o.effectiveFrom, ...values })
      .onConflict((oc) => oc.columns(['model', 'effective_from']).doUpdateSet(values))
      .execute();
    const row = await this.store.db
      .selectFrom('price_overrides')
      .selectAll()
      .where('model', '=', o.model)
      .where('effective_from', '=', o.effectiveFrom)
      .executeTakeFirstOrThrow();
    return fromRow(row);
  }

  /** Deletes every override of exactly this model id; returns how many there were. */
  async deleteModel(model: string): Promise<number> {
    const r = await this.store.db.deleteFrom('price_overrides').where('model', '=', model).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}

function fromRow(row: OverrideRow): PriceOverride {
  let prices: unknown;
  try {
    prices = JSON.parse(row.prices);
  } catch {
    prices = undefined;
  }
  const parsed = priceSheetSchema.safeParse(prices);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`price override ${row.id} (${row.model}) has invalid prices: ${issue.path.join('.') || 'prices'} ${issue.message}`);
  }
  return {
    id: row.id,
    model: row.model,
    effectiveFrom: row.effective_from,
    sheet: toPriceSheet(parsed.data),
    maxOutputTokens: row.max_output_tokens,
    contextWindow: row.context_window,
    note: row.note,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}
