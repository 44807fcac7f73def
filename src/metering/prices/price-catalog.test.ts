import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { storeKinds, type TestStore } from '../../../test/support/stores.ts';
import { parsePricePerMillion } from '../../money/index.ts';
import { loadPriceCatalog, type PriceCatalog } from './price-catalog.ts';
import type { PriceSheet } from './price-sheet.ts';

const day = (d: string) => Date.parse(`${d}T00:00:00Z`);
const sheet = (input: string, output: string, more: Partial<PriceSheet> = {}): PriceSheet => ({
  input: parsePricePerMillion(input),
  cachedInput: null,
  cacheWrite: null,
  output: parsePricePerMillion(output),
  audioInput: null,
  audioOutput: null,
  imageInput: null,
  imageOutput: null,
  batch: null,
  flex: null,
  priority: null,
  ...more,
});

async function withCatalog(kind: ReturnType<typeof storeKinds>[number], fn: (c: PriceCatalog, t: TestStore) => Promise<void>) {
  const t = await kind.create();
  const catalog = await loadPriceCatalog(t.store);
  try {
    await fn(catalog, t);
  } finally {
    catalog.close();
    await t.dispose();
  }
}

for (const kind of storeKinds()) {
  describe(`PriceCatalog overrides on ${kind.name}`, () => {
    const set = (c: PriceCatalog, model: string, from: string, s: PriceSheet, extra: { maxOutputTokens?: number; contextWindow?: number } = {}) =>
      c.setOverride({ model, effectiveFrom: day(from), sheet: s, createdAt: Date.now(), ...extra });

    test('a family override beats the catalog for the family and its snapshots, from its date on', async () => {
      await withCatalog(kind, async (c) => {
        await set(c, 'gpt-4o', '2025-03-01', sheet('2.00', '8.00'));
        for (const model of ['gpt-4o', 'gpt-4o-2024-08-06', 'gpt-4o-2024-05-13']) {
          const p = c.priceFor(model, day('2025-04-01'));
          assert.equal(p?.source, 'override', model);
          assert.equal(p?.input, 2_000_000, model);
          assert.equal(p?.maxOutputTokens, 16_384, 'taken from the catalog');
        }
        const before = c.priceFor('gpt-4o', day('2025-02-28'));
        assert.equal(before?.source, 'catalog', 'history is not rewritten');
        assert.equal(before?.input, 2_500_000);
      });
    });

    test('an exact-id override beats a family override', async () => {
      await withCatalog(kind, async (c) => {
        await set(c, 'gpt-4o', '2025-01-01', sheet('2.00', '8.00'));
        await set(c, 'gpt-4o-2024-08-06', '2025-01-01', sheet('1.00', '4.00'));
        assert.equal(c.priceFor('gpt-4o-2024-08-06', day('2025-06-01'))?.input, 1_000_000);
        assert.equal(c.priceFor('gpt-4o-2024-11-20', day('2025-06-01'))?.input, 2_000_000);
      });
    });

    test('the latest override not after the request time applies', async () => {
      await withCatalog(kind, async (c) => {
        await set(c, 'o3', '2025-07-01', sheet('1.80', '7.20'));
        await set(c, 'o3', '2025-08-01', sheet('1.60', '6.40'));
        assert.equal(c.priceFor('o3', day('2025-06-15'))?.source, 'catalog');
        assert.equal(c.priceFor('o3', day('2025-07-15'))?.input, 1_800_000);
        assert.equal(c.priceFor('o3', day('2025-08-01'))?.input, 1_600_000);
        assert.equal(c.overridesOf('o3').length, 2);
      });
    });

    test('setting the same model and date again replaces the override', async () => {
      await withCatalog(kind, async (c, t) => {
        const first = await set(c, 'gpt-4.1', '2025-05-01', sheet('1.90', '7.60'));
        const second = await set(c, 'gpt-4.1', '2025-05-01', sheet('1.80', '7.20'));
        assert.equal(second.id, first.id);
        const rows = await t.store.db.selectFrom('price_overrides').selectAll().execute();
        assert.equal(rows.length, 1);
        assert.equal(rows[0]!.prices, '{"input":"1.80","output":"7.20"}', 'decimal strings, only the prices that are set');
        assert.equal(c.priceFor('gpt-4.1', day('2025-06-01'))?.input, 1_800_000);
      });
    });

    test('fine-tuned models: an exact override, then ft prices, before any base price', async () => {
      await withCatalog(kind, async (c) => {
        await set(c, 'gpt-4o-mini', '2025-01-01', sheet('0.10', '0.40'));
        const ft = 'ft:gpt-4o-mini-2024-07-18:acme::abc';
        assert.equal(c.priceFor(ft, day('2025-06-01'))?.model, 'ft:gpt-4o-mini', 'catalog ft prices beat a base override');
        await set(c, ft, '2025-01-01', sheet('0.25', '1.00'));
        assert.equal(c.priceFor(ft, day('2025-06-01'))?.input, 250_000);
        assert.equal(c.priceFor('ft:gpt-4o-mini:acme::other', day('2025-06-01'))?.input, 300_000);
        assert.equal(c.priceFor('ft:gpt-5-mini:acme::x', day('2025-09-01'))?.model, 'gpt-5-mini');
      });
    });

    test('self-hosted models need their limits, then are priced', async () => {
      await withCatalog(kind, async (c) => {
        await assert.rejects(set(c, 'llama-3.1-70b', '2025-01-01', sheet('0.50', '0.50')), { code: 'missing_required_parameter', param: 'max_output_tokens' });
        await assert.rejects(set(c, 'llama-3.1-70b', '2025-01-01', sheet('0.50', '0.50'), { maxOutputTokens: 4096 }), { param: 'context_window' });
        assert.equal(c.priceFor('llama-3.1-70b', day('2025-06-01')), undefined);
        await set(c, 'llama-3.1-70b', '2025-01-01', sheet('0.50', '0.50'), { maxOutputTokens: 4096, contextWindow: 131_072 });
        const p = c.priceFor('llama-3.1-70b', day('2025-06-01'));
        assert.equal(p?.maxOutputTokens, 4096);
        assert.equal(p?.contextWindow, 131_072);
        assert.equal(c.familyOf('llama-3.1-70b'), 'llama-3.1-70b');
      });
    });

    test('deleting overrides falls back to the catalog', async () => {
      await withCatalog(kind, async (c) => {
        await set(c, 'gpt-5', '2025-08-07', sheet('1.00', '8.00'));
        assert.equal(c.priceFor('gpt-5-2025-08-07', day('2025-09-01'))?.source, 'override', 'cached resolution is refreshed');
        assert.equal(await c.deleteOverride('gpt-5'), 1);
        assert.equal(c.priceFor('gpt-5-2025-08-07', day('2025-09-01'))?.source, 'catalog');
        assert.equal(await c.deleteOverride('gpt-5'), 0);
      });
    });

    test('another instance sees overrides after reload', async () => {
      await withCatalog(kind, async (c, t) => {
        const other = await loadPriceCatalog(t.store);
        await set(c, 'gpt-4o-mini', '2025-01-01', sheet('0.12', '0.48'));
        assert.equal(other.priceFor('gpt-4o-mini', day('2025-06-01'))?.source, 'catalog');
        await other.reload();
        assert.equal(other.priceFor('gpt-4o-mini', day('2025-06-01'))?.input, 120_000);
      });
    });

    test('a corrupt stored override fails loudly, naming the row', async () => {
      await withCatalog(kind, async (c, t) => {
        const saved = await set(c, 'gpt-4o', '2025-01-01', sheet('2.00', '8.00'));
        await t.store.db.updateTable('price_overrides').set({ prices: '{"input":"-1","output":"8.00"}' }).execute();
        await assert.rejects(c.reload(), new RegExp(`price override ${saved.id} \\(gpt-4o\\) has invalid prices: input must not be negative`));
      });
    });
  });
}
