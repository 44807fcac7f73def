import { randomBytes } from 'node:crypto';
import type { Selectable, Transaction } from 'kysely';
import { changeRecord, type ChangeContext } from '../../access/index.ts';
import type { Database, Store } from '../../state/index.ts';
import type { PriceSheet } from './price-sheet.ts';
import { priceSheetSchema, storedPriceSheet, toPriceSheet } from './price-sheet-schema.ts';
import { appendAuditEvent } from '../../compliance/audit/index.ts';

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

  /** Creates the override, or replaces the one with the same model and effective date; with `ctx`, records the change. */
  async upsert(o: NewPriceOverride, ctx?: ChangeContext): Promise<PriceOverride> {
    const values = {
      prices: storedPriceSheet(o.sheet),
      max_output_tokens: o.maxOutputTokens,
      context_window: o.contextWindow,
      note: o.note,
      created_at: o.createdAt,
      created_by: o.createdBy,
    };
    return this.store.db.transaction().execute(async (trx) => {
      const before = await this.find(trx, o.model, o.effectiveFrom);
      await trx
        .insertInto('price_overrides')
        .values({ id: `price_${randomBytes(12).toString('hex')}`, model: o.model, effective_from: o.effectiveFrom, ...values })
        .onConflict((oc) => oc.columns(['model', 'effective_from']).doUpdateSet(values))
        .execute();
      const saved = fromRow((await this.find(trx, o.model, o.effectiveFrom))!);
      if (ctx) await recordChange(trx, ctx, 'price.override_set', o.model, before ? [recordView(fromRow(before))] : null, [recordView(saved)], o.createdAt);
      return saved;
    });
  }

  /** Deletes every override of exactly this model id; returns how many there were. With `ctx`, records the change. */
  async deleteModel(model: string, ctx?: ChangeContext): Promise<number> {
    return this.store.db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom('price_overrides').selectAll().where('model', '=', model).orderBy('effective_from').execute();
      const r = await trx.deleteFrom('price_overrides').where('model', '=', model).executeTakeFirst();
      const deleted = Number(r.numDeletedRows);
      if (ctx && deleted > 0) await recordChange(trx, ctx, 'price.override_deleted', model, before.map((b) => recordView(fromRow(b))), null, Date.now());
      return deleted;
    });
  }

  private find(trx: Transaction<Database>, model: string, effectiveFrom: number): Promise<OverrideRow | undefined> {
    return trx.selectFrom('price_overrides').selectAll().where('model', '=', model).where('effective_from', '=', effectiveFrom).executeTakeFirst();
  }
}

/** An override as its change record shows it (prices as stored: USD per 1M tokens as decimal strings). */
function recordView(o: PriceOverride) {
  return {
    id: o.id,
    model: o.model,
    effective_from: new Date(o.effectiveFrom).toISOString(),
    prices: JSON.parse(storedPriceSheet(o.sheet)) as unknown,
    max_output_tokens: o.maxOutputTokens,
    context_window: o.contextWindow,
    note: o.note,
    created_by: o.createdBy,
  };
}

async function recordChange(trx: Transaction<Database>, ctx: ChangeContext, action: string, model: string, before: unknown, after: unknown, at: number): Promise<void> {
  await appendAuditEvent(trx, changeRecord(ctx, { action, target: model, before, after }, at));
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
