import type { ChangeContext } from '../../access/index.ts';
import { fail } from '../../errors/index.ts';
import type { Store } from '../../state/index.ts';
import { readPriceFile, type PriceData } from './bundled-prices.ts';
import { modelKeyChain } from './model-family.ts';
import { PriceOverrideStore, type PriceOverride } from './price-override-store.ts';
import type { ModelPrice, PriceSheet } from './price-sheet.ts';

/** Prices of one key, latest effective date first. */
type Timeline = readonly ModelPrice[];

const RESOLVED_MAX = 10_000;
const NO_TIMELINES: readonly Timeline[] = [];

export interface PriceCatalogOptions {
  /** Where admin overrides live; without a store the catalog is the data file alone. */
  store?: Store | undefined;
  /** Price data; the bundled `openai-prices.json` by default. */
  data?: PriceData | undefined;
  /** Re-read overrides this often, so that other instances' changes arrive. Off by default. */
  reloadIntervalMs?: number | undefined;
  /** Told when a timed reload fails; the catalog keeps the overrides it had. */
  onReloadError?: ((err: unknown) => void) | undefined;
}

export interface SetPriceOverride {
  model: string;
  /** Epoch milliseconds. */
  effectiveFrom: number;
  sheet: PriceSheet;
  /** Taken from the catalog's price for the model when absent; required for a model the catalog lacks. */
  maxOutputTokens?: number | undefined;
  contextWindow?: number | undefined;
  note?: string | null | undefined;
  createdBy?: string | null | undefined;
  createdAt: number;
}

/**
 * The effective price of any model at any time: the bundled price data plus admin overrides.
 * Lookups are served from memory (maps built at load, resolved ids cached); only `reload`,
 * `setOverride` and `deleteOverride` touch the store.
 *
 * Precedence for a model id: overrides on its key chain (exact id, then snapshot-stripped and
 * aliased ids), then the data file on the same chain; for a fine-tuned model the `ft:` chain (its
 * fine-tuned prices) comes before the base model's chain. On each key the entry with the latest
 * `effective_from` not after the request time applies, so a new price never rewrites history.
 * @example
 * const catalog = await loadPriceCatalog(store);
 * catalog.priceFor('gpt-4o-2024-08-06', Date.parse('2025-01-01'))?.model === 'gpt-4o';
 */
export class PriceCatalog {
  readonly asOf: string;
  readonly source: string;
  private readonly catalog: ReadonlyMap<string, Timeline>;
  private readonly aliases: ReadonlyMap<string, string>;
  private readonly overrideStore: PriceOverrideStore | undefined;
  private overrides: ReadonlyMap<string, Timeline> = new Map();
  private overrideRows: readonly PriceOverride[] = [];
  private readonly resolved = new Map<string, readonly Timeline[]>();
  private timer: NodeJS.Timeout | undefined;

  constructor(options: PriceCatalogOptions = {}) {
    const data = options.data ?? readPriceFile();
    this.asOf = data.asOf;
    this.source = data.source;
    this.catalog = timelines(data.entries);
    this.aliases = data.aliases;
    this.overrideStore = options.store ? new PriceOverrideStore(options.store) : undefined;
    if (options.reloadIntervalMs && this.overrideStore) {
      this.timer = setInterval(() => void this.reload().catch((err: unknown) => options.onReloadError?.(err)), options.reloadIntervalMs);
      this.timer.unref();
    }
  }

  /**
   * The price that applies to `model` at `at` (epoch ms), or undefined when there is none: the
   * request is then recorded with cost unknown, never as 0.
   * @example catalog.priceFor('gpt-4o', Date.parse('2024-09-01'))?.input === 5_000_000 // $5.00 per 1M
   */
  priceFor(model: string, at: number): ModelPrice | undefined {
    let chain = this.resolved.get(model);
    if (chain === undefined) chain = this.resolve(model);
    for (const timeline of chain) {
      for (const price of timeline) if (price.effectiveFrom <= at) return price;
    }
    return undefined;
  }

  /**
   * The id a model is priced under, whatever the time: `gpt-4o-2024-08-06` → `gpt-4o`.
   * @example catalog.familyOf('ft:gpt-4o-mini:acme::abc') === 'ft:gpt-4o-mini'
   */
  familyOf(model: string): string | undefined {
    const chain = this.resolved.get(model) ?? this.resolve(model);
    return chain[0]?.[0]?.model;
  }

  /**
   * Every id with a price of its own (catalog or override), sorted, with the price that applies to it
   * at `at` (which may be kept under another id, e.g. a family override for an exact snapshot).
   */
  list(at: number): { model: string; price: ModelPrice }[] {
    const keys = [...new Set([...this.catalog.keys(), ...this.overrides.keys()])].sort();
    return keys.flatMap((model) => {
      const price = this.priceFor(model, at);
      return price ? [{ model, price }] : [];
    });
  }

  /** Aliases that resolve to a key (`gpt-4-turbo` → `gpt-4-0125-preview`, …). */
  aliasesOf(key: string): string[] {
    return [...this.aliases].filter(([, target]) => target === key).map(([alias]) => alias);
  }

  /** The stored overrides of exactly this model id, oldest first. */
  overridesOf(model: string): PriceOverride[] {
    return this.overrideRows.filter((o) => o.model === model);
  }

  /** Re-reads overrides from the store. */
  async reload(): Promise<void> {
    if (!this.overrideStore) return;
    const rows = await this.overrideStore.list();
    this.overrideRows = rows;
    this.overrides = timelines(rows.map(overridePrice));
    this.resolved.clear();
  }

  /**
   * Creates or replaces (same model and effective date) an admin price, then reloads. With `ctx`,
   * a change record (`price.override_set`) is written in the same transaction.
   * @example await catalog.setOverride({ model: 'gpt-4o', effectiveFrom: Date.now(), createdAt: Date.now(), sheet })
   */
  async setOverride(input: SetPriceOverride, ctx?: ChangeContext): Promise<PriceOverride> {
    const store = this.requireStore();
    const base = this.priceFor(input.model, input.effectiveFrom) ?? this.priceFor(input.model, Number.MAX_SAFE_INTEGER);
    const maxOutputTokens = input.maxOutputTokens ?? base?.maxOutputTokens;
    const contextWindow = input.contextWindow ?? base?.contextWindow;
    if (maxOutputTokens === undefined || contextWindow === undefined) {
      const param = maxOutputTokens === undefined ? 'max_output_tokens' : 'context_window';
      // The catalog has no price for the model to take them from.
      throw fail('missing_required_parameter', { param });
    }
    const override = {
      model: input.model,
      effectiveFrom: input.effectiveFrom,
      sheet: input.sheet,
      maxOutputTokens,
      contextWindow,
      note: input.note ?? null,
      createdAt: input.createdAt,
      createdBy: input.createdBy ?? null,
    };
    const saved = await store.upsert(override, ctx);
    await this.reload();
    return saved;
  }

  /** Removes every override of exactly this model id (recorded as `price.override_deleted` with `ctx`), then reloads; returns how many there were. */
  async deleteOverride(model: string, ctx?: ChangeContext): Promise<number> {
    const deleted = await this.requireStore().deleteModel(model, ctx);
    await this.reload();
    return deleted;
  }

  /** Stops the reload timer. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private resolve(model: string): readonly Timeline[] {
    const chain: Timeline[] = [];
    for (const segment of modelKeyChain(model, this.aliases)) {
      for (const source of [this.overrides, this.catalog]) {
        for (const key of segment) {
          const timeline = source.get(key);
          if (timeline) chain.push(timeline);
        }
      }
    }
    const result = chain.length === 0 ? NO_TIMELINES : chain;
    if (this.resolved.size >= RESOLVED_MAX) this.resolved.clear();
    this.resolved.set(model, result);
    return result;
  }

  private requireStore(): PriceOverrideStore {
    if (!this.overrideStore) throw new Error('this price catalog has no store for overrides');
    return this.overrideStore;
  }
}

/**
 * Builds the catalog from the bundled data file and the overrides in the store.
 * @example const catalog = await loadPriceCatalog(store); catalog.priceFor('gpt-4o-mini', Date.now());
 */
export async function loadPriceCatalog(store: Store, options: Omit<PriceCatalogOptions, 'store'> = {}): Promise<PriceCatalog> {
  const catalog = new PriceCatalog({ ...options, store });
  await catalog.reload();
  return catalog;
}

function overridePrice(o: PriceOverride): ModelPrice {
  return Object.freeze({
    ...o.sheet,
    model: o.model,
    source: 'override',
    effectiveFrom: o.effectiveFrom,
    maxOutputTokens: o.maxOutputTokens,
    contextWindow: o.contextWindow,
    note: o.note,
  });
}

function timelines(prices: readonly ModelPrice[]): Map<string, Timeline> {
  const byKey = new Map<string, ModelPrice[]>();
  for (const p of prices) {
    const list = byKey.get(p.model);
    if (list) list.push(p);
    else byKey.set(p.model, [p]);
  }
  for (const list of byKey.values()) list.sort((a, b) => b.effectiveFrom - a.effectiveFrom);
  return byKey;
}
