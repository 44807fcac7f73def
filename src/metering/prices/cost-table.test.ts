import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatUsd } from '../../money/index.ts';
import { computeCost, type MeteredUsage } from './cost.ts';
import { PriceCatalog } from './price-catalog.ts';

/**
 * The cost of requests across models and usage shapes, each expected total worked out by hand from
 * the published prices (USD per 1M tokens) in openai-prices.json. Times are UTC.
 */
interface Row {
  model: string;
  usage: MeteredUsage;
  tier?: string | null;
  /** ISO date of the request; 2025-09-01 (the data file's as_of) when absent. */
  at?: string;
  /** Decimal USD, or null for cost unknown. */
  total: string | null;
  pricedAs?: string;
  tierApplied?: boolean;
}

const u = (prompt: number, completion: number, more: Partial<MeteredUsage> = {}): MeteredUsage => ({
  prompt,
  cached: 0,
  completion,
  reasoning: 0,
  ...more,
});

const ROWS: Record<string, Row> = {
  // --- plain chat ---
  // 1000×2.50/1M + 500×10.00/1M = 0.0025 + 0.005
  'gpt-4o plain': { model: 'gpt-4o', usage: u(1000, 500), total: '0.0075' },
  // snapshot resolves to the family: same as above
  'gpt-4o-2024-08-06 snapshot': { model: 'gpt-4o-2024-08-06', usage: u(1000, 500), total: '0.0075', pricedAs: 'gpt-4o' },
  // 10000×0.15/1M + 2000×0.60/1M = 0.0015 + 0.0012
  'gpt-4o-mini plain': { model: 'gpt-4o-mini', usage: u(10_000, 2000), total: '0.0027' },
  // 100000×2.00/1M + 2000×8.00/1M = 0.2 + 0.016
  'gpt-4.1 plain': { model: 'gpt-4.1-2025-04-14', usage: u(100_000, 2000), total: '0.216', pricedAs: 'gpt-4.1' },
  // 1000×5.00/1M + 1000×15.00/1M = 0.005 + 0.015
  'chatgpt-4o-latest plain': { model: 'chatgpt-4o-latest', usage: u(1000, 1000), total: '0.02' },
  // 1000×75.00/1M + 100×150.00/1M = 0.075 + 0.015
  'gpt-4.5-preview snapshot': { model: 'gpt-4.5-preview-2025-02-27', usage: u(1000, 100), total: '0.09', pricedAs: 'gpt-4.5-preview' },
  // alias: gpt-4-0125-preview is GPT-4 Turbo: 1000×10.00/1M + 1000×30.00/1M = 0.01 + 0.03
  'gpt-4-0125-preview alias': { model: 'gpt-4-0125-preview', usage: u(1000, 1000), total: '0.04', pricedAs: 'gpt-4-turbo' },
  // 1000×30.00/1M + 1000×60.00/1M = 0.03 + 0.06
  'gpt-4-0613 snapshot': { model: 'gpt-4-0613', usage: u(1000, 1000), total: '0.09', pricedAs: 'gpt-4' },
  // 1000×0.50/1M + 1000×1.50/1M = 0.0005 + 0.0015
  'gpt-3.5-turbo-0125 snapshot': { model: 'gpt-3.5-turbo-0125', usage: u(1000, 1000), total: '0.002', pricedAs: 'gpt-3.5-turbo' },
  // exact snapshot entry wins over the family: 1000×1.00/1M + 1000×2.00/1M = 0.001 + 0.002
  'gpt-3.5-turbo-1106 exact snapshot': { model: 'gpt-3.5-turbo-1106', usage: u(1000, 1000), total: '0.003', pricedAs: 'gpt-3.5-turbo-1106' },
  // 1000×1.50/1M + 1000×2.00/1M = 0.0015 + 0.002
  'gpt-3.5-turbo-instruct plain': { model: 'gpt-3.5-turbo-instruct', usage: u(1000, 1000), total: '0.0035' },
  // the first gpt-4o snapshot kept its launch price: 1000×5.00/1M + 500×15.00/1M = 0.005 + 0.0075
  'gpt-4o-2024-05-13 exact snapshot': { model: 'gpt-4o-2024-05-13', usage: u(1000, 500), total: '0.0125', pricedAs: 'gpt-4o-2024-05-13' },
  // 1000×150.00/1M + 1000×600.00/1M = 0.15 + 0.6
  'o1-pro plain': { model: 'o1-pro', usage: u(1000, 1000), total: '0.75' },

  // --- cached input (prompt includes cached) ---
  // (2000−1024)×2.50/1M + 1024×1.25/1M + 300×10.00/1M = 0.00244 + 0.00128 + 0.003
  'gpt-4o cached': { model: 'gpt-4o', usage: u(2000, 300, { cached: 1024 }), total: '0.00672' },
  // 904×0.15/1M + 4096×0.075/1M + 100×0.60/1M = 0.0001356 + 0.0003072 + 0.00006
  'gpt-4o-mini cached': { model: 'gpt-4o-mini', usage: u(5000, 100, { cached: 4096 }), total: '0.0005028' },
  // 10000×2.00/1M + 90000×0.50/1M + 2000×8.00/1M = 0.02 + 0.045 + 0.016
  'gpt-4.1 cached': { model: 'gpt-4.1', usage: u(100_000, 2000, { cached: 90_000 }), total: '0.081' },
  // one cached token: 1×0.005/1M = 0.000000005
  'gpt-5-nano one cached token': { model: 'gpt-5-nano', usage: u(1, 0, { cached: 1 }), total: '0.000000005' },

  // --- reasoning (billed as output, counted once) ---
  // 1200×1.25/1M + 3000×10.00/1M = 0.0015 + 0.03 (2500 of the 3000 are reasoning)
  'gpt-5 reasoning': { model: 'gpt-5', usage: u(1200, 3000, { reasoning: 2500 }), total: '0.0315' },
  // after the 2025-06-10 cut: 2000×2.00/1M + 5000×8.00/1M = 0.004 + 0.04
  'o3 reasoning': { model: 'o3-2025-04-16', usage: u(2000, 5000, { reasoning: 4000 }), total: '0.044', pricedAs: 'o3' },
  // 952×1.10/1M + 2048×0.275/1M + 1500×4.40/1M = 0.0010472 + 0.0005632 + 0.0066
  'o4-mini reasoning cached': { model: 'o4-mini', usage: u(3000, 1500, { cached: 2048, reasoning: 1200 }), total: '0.0082104' },
  // o1-preview is billed as o1: 1000×15.00/1M + 1000×60.00/1M = 0.015 + 0.06
  'o1-preview snapshot': { model: 'o1-preview-2024-09-12', usage: u(1000, 1000, { reasoning: 800 }), at: '2024-10-01', total: '0.075', pricedAs: 'o1' },
  // 1000×1.10/1M + 1000×4.40/1M = 0.0011 + 0.0044
  'o3-mini reasoning': { model: 'o3-mini', usage: u(1000, 1000, { reasoning: 900 }), total: '0.0055' },

  // --- batch tier ---
  // 1000×1.25/1M + 500×5.00/1M = 0.00125 + 0.0025
  'gpt-4o batch': { model: 'gpt-4o', usage: u(1000, 500), tier: 'batch', total: '0.00375' },
  // 1000000×0.20/1M + 100000×0.80/1M = 0.2 + 0.08
  'gpt-4.1-mini batch': { model: 'gpt-4.1-mini', usage: u(1_000_000, 100_000), tier: 'batch', total: '0.28' },
  // 4000×0.125/1M + 1000×1.00/1M = 0.0005 + 0.001
  'gpt-5-mini batch reasoning': { model: 'gpt-5-mini-2025-08-07', usage: u(4000, 1000, { reasoning: 800 }), tier: 'batch', total: '0.0015' },
  // 1000×7.50/1M + 10000×30.00/1M = 0.0075 + 0.3
  'o1 batch': { model: 'o1', usage: u(1000, 10_000, { reasoning: 9000 }), tier: 'batch', total: '0.3075' },
  // batch has no cached price: cached at the batch input price. 1000×0.075/1M + 1000×0.075/1M + 100×0.30/1M = 0.000075 + 0.000075 + 0.00003
  'gpt-4o-mini batch cached': { model: 'gpt-4o-mini', usage: u(2000, 100, { cached: 1000 }), tier: 'batch', total: '0.00018' },

  // --- flex tier ---
  // 2000×0.625/1M + 8000×0.0625/1M + 2000×5.00/1M = 0.00125 + 0.0005 + 0.01
  'gpt-5 flex cached reasoning': { model: 'gpt-5', usage: u(10_000, 2000, { cached: 8000, reasoning: 1500 }), tier: 'flex', total: '0.01175' },
  // 2000×1.00/1M + 5000×4.00/1M = 0.002 + 0.02
  'o3 flex': { model: 'o3', usage: u(2000, 5000, { reasoning: 4500 }), tier: 'flex', total: '0.022' },
  // 952×0.55/1M + 2048×0.1375/1M + 1500×2.20/1M = 0.0005236 + 0.0002816 + 0.0033
  'o4-mini flex cached': { model: 'o4-mini', usage: u(3000, 1500, { cached: 2048 }), tier: 'flex', total: '0.0041052' },
  // one cached token at 0.1375/1M = 0.0000001375, rounded half up to nanos
  'o4-mini flex rounding': { model: 'o4-mini', usage: u(1, 0, { cached: 1 }), tier: 'flex', total: '0.000000138' },
  // gpt-4-turbo has no flex price: standard 1000×10.00/1M + 1000×30.00/1M
  'gpt-4-turbo flex without flex prices': { model: 'gpt-4-turbo', usage: u(1000, 1000), tier: 'flex', total: '0.04', tierApplied: false },

  // --- priority tier ---
  // 1000×4.25/1M + 500×17.00/1M = 0.00425 + 0.0085
  'gpt-4o priority': { model: 'gpt-4o', usage: u(1000, 500), tier: 'priority', total: '0.01275' },
  // 1000×2.50/1M + 1000×20.00/1M = 0.0025 + 0.02
  'gpt-5 priority': { model: 'gpt-5', usage: u(1000, 1000, { reasoning: 500 }), tier: 'priority', total: '0.0225' },
  // 10000×0.20/1M + 1000×0.80/1M = 0.002 + 0.0008
  'gpt-4.1-nano priority': { model: 'gpt-4.1-nano', usage: u(10_000, 1000), tier: 'priority', total: '0.0028' },
  // gpt-5-nano has no priority price: standard 1000×0.05/1M + 1000×0.40/1M = 0.00005 + 0.0004
  'gpt-5-nano priority without priority prices': { model: 'gpt-5-nano', usage: u(1000, 1000), tier: 'priority', total: '0.00045', tierApplied: false },
  // auto and scale are standard prices
  'gpt-4o auto': { model: 'gpt-4o', usage: u(1000, 500), tier: 'auto', total: '0.0075' },
  'gpt-4o scale': { model: 'gpt-4o', usage: u(1000, 500), tier: 'scale', total: '0.0075' },

  // --- embeddings and moderation ---
  // 1000000×0.02/1M
  'text-embedding-3-small 1M tokens': { model: 'text-embedding-3-small', usage: u(1_000_000, 0), total: '0.02' },
  // 123×0.02/1M = 0.00000246
  'text-embedding-3-small 123 tokens': { model: 'text-embedding-3-small', usage: u(123, 0), total: '0.00000246' },
  // 8000×0.065/1M
  'text-embedding-3-large batch': { model: 'text-embedding-3-large', usage: u(8000, 0), tier: 'batch', total: '0.00052' },
  // 1000×0.10/1M
  'text-embedding-ada-002 now': { model: 'text-embedding-ada-002', usage: u(1000, 0), total: '0.0001' },
  // moderation is free: a known 0, not unknown
  'omni-moderation-latest free': { model: 'omni-moderation-latest', usage: u(500, 0), total: '0.00' },
  'omni-moderation snapshot free': { model: 'omni-moderation-2024-09-26', usage: u(500, 0), total: '0.00', pricedAs: 'omni-moderation-latest' },

  // --- image input (image tokens are prompt tokens) ---
  // a 512×512 high-detail image on gpt-4o is 85 + 170 = 255 tokens, plus 45 text tokens:
  // 300×2.50/1M + 100×10.00/1M = 0.00075 + 0.001
  'gpt-4o image input': { model: 'gpt-4o', usage: u(300, 100, { imageIn: 255 }), total: '0.00175' },
  // on gpt-4o-mini the same image is 2833 + 5667 = 8500 tokens, plus 20 text tokens:
  // 8520×0.15/1M + 50×0.60/1M = 0.001278 + 0.00003
  'gpt-4o-mini image input': { model: 'gpt-4o-mini', usage: u(8520, 50), total: '0.001308' },

  // --- gpt-image-1 (text in, image in, image out) ---
  // 50×5.00/1M + 323×10.00/1M + 4160×40.00/1M = 0.00025 + 0.00323 + 0.1664
  'gpt-image-1 edit high': { model: 'gpt-image-1', usage: u(373, 4160, { imageIn: 323, imageOut: 4160 }), total: '0.16988' },
  // 1024×1024 low = 272 image tokens: 30×5.00/1M + 272×40.00/1M = 0.00015 + 0.01088
  'gpt-image-1 generate low': { model: 'gpt-image-1', usage: u(30, 272, { imageOut: 272 }), total: '0.01103' },

  // --- audio ---
  // text in 200×2.50/1M + audio in 1000×40.00/1M + text out 100×10.00/1M + audio out 500×80.00/1M
  // = 0.0005 + 0.04 + 0.001 + 0.04
  'gpt-4o-audio-preview audio': {
    model: 'gpt-4o-audio-preview-2024-12-17',
    usage: u(1200, 600, { audioIn: 1000, audioOut: 500 }),
    total: '0.0815',
    pricedAs: 'gpt-4o-audio-preview',
  },
  // the 2024-10-01 snapshot keeps its audio price: 0.0005 + 1000×100.00/1M + 0.001 + 500×200.00/1M = 0.0005 + 0.1 + 0.001 + 0.1
  'gpt-4o-audio-preview-2024-10-01 audio': {
    model: 'gpt-4o-audio-preview-2024-10-01',
    usage: u(1200, 600, { audioIn: 1000, audioOut: 500 }),
    total: '0.2015',
  },
  // text in (5000−3000−1500)×0.60/1M + cached 3000×0.30/1M + audio in 1500×10.00/1M + text out 100×2.40/1M + audio out 700×20.00/1M
  // = 0.0003 + 0.0009 + 0.015 + 0.00024 + 0.014
  'gpt-4o-mini-realtime audio cached': {
    model: 'gpt-4o-mini-realtime-preview-2024-12-17',
    usage: u(5000, 800, { cached: 3000, audioIn: 1500, audioOut: 700 }),
    total: '0.03044',
  },

  // --- fine-tuned ---
  // 1000×0.30/1M + 500×1.20/1M = 0.0003 + 0.0006
  'ft gpt-4o-mini': { model: 'ft:gpt-4o-mini:acme::abc123', usage: u(1000, 500), total: '0.0009', pricedAs: 'ft:gpt-4o-mini' },
  // 1000×0.30/1M + 1000×0.15/1M + 100×1.20/1M = 0.0003 + 0.00015 + 0.00012
  'ft gpt-4o-mini snapshot cached': {
    model: 'ft:gpt-4o-mini-2024-07-18:acme:support:abc',
    usage: u(2000, 100, { cached: 1000 }),
    total: '0.00057',
    pricedAs: 'ft:gpt-4o-mini',
  },
  // 1000×3.75/1M + 1000×15.00/1M = 0.00375 + 0.015
  'ft gpt-4o': { model: 'ft:gpt-4o-2024-08-06:acme::x', usage: u(1000, 1000), total: '0.01875', pricedAs: 'ft:gpt-4o' },
  // fine-tuned batch: 10000×0.10/1M + 1000×0.40/1M = 0.001 + 0.0004
  'ft gpt-4.1-nano batch': { model: 'ft:gpt-4.1-nano-2025-04-14:acme::y', usage: u(10_000, 1000), tier: 'batch', total: '0.0014' },
  // 1000×12.00/1M + 1000×12.00/1M
  'ft davinci-002': { model: 'ft:davinci-002:acme::q', usage: u(1000, 1000), total: '0.024', pricedAs: 'ft:davinci-002' },
  // no fine-tuned price for gpt-5-mini: base prices 1000×0.25/1M + 1000×2.00/1M = 0.00025 + 0.002
  'ft without fine-tuned prices uses base': { model: 'ft:gpt-5-mini:acme::z', usage: u(1000, 1000), total: '0.00225', pricedAs: 'gpt-5-mini' },

  // --- effective dates: same model, before and after a price change ---
  // before 2024-10-02: 1000×5.00/1M + 500×15.00/1M = 0.005 + 0.0075
  'gpt-4o before 2024-10-02': { model: 'gpt-4o', usage: u(1000, 500), at: '2024-09-01', total: '0.0125' },
  // from 2024-10-02T00:00Z: 1000×2.50/1M + 500×10.00/1M
  'gpt-4o on 2024-10-02': { model: 'gpt-4o', usage: u(1000, 500), at: '2024-10-02', total: '0.0075' },
  // before the 2025-06-10 cut: 2000×10.00/1M + 5000×40.00/1M = 0.02 + 0.2
  'o3 before 2025-06-10': { model: 'o3', usage: u(2000, 5000, { reasoning: 4000 }), at: '2025-05-01', total: '0.22' },
  // o1-mini before 2025-01-31: 1000×3.00/1M + 1000×12.00/1M
  'o1-mini before 2025-01-31': { model: 'o1-mini', usage: u(1000, 1000), at: '2024-12-01', total: '0.015' },
  // o1-mini after: 1000×1.10/1M + 1000×4.40/1M
  'o1-mini after 2025-01-31': { model: 'o1-mini-2024-09-12', usage: u(1000, 1000), total: '0.0055', pricedAs: 'o1-mini' },
  // ada-002 before 2023-06-13: 1000×0.40/1M
  'text-embedding-ada-002 before 2023-06-13': { model: 'text-embedding-ada-002', usage: u(1000, 0), at: '2023-03-01', total: '0.0004' },
  // the gpt-4o-audio-preview family: 100/200 audio before 2024-12-17: 0.0005 + 0.1 + 0.001 + 0.1
  'gpt-4o-audio-preview before 2024-12-17': {
    model: 'gpt-4o-audio-preview',
    usage: u(1200, 600, { audioIn: 1000, audioOut: 500 }),
    at: '2024-11-01',
    total: '0.2015',
  },

  // --- unknown model: cost unknown, never 0 ---
  'unknown model': { model: 'llama-3-70b-instruct', usage: u(1000, 500), total: null },
  'unknown model in batch': { model: 'mistral-large-2411', usage: u(1000, 500), tier: 'batch', total: null },
  'gpt-4o before it existed': { model: 'gpt-4o', usage: u(1000, 500), at: '2024-01-01', total: null },
};

describe('cost table', () => {
  const catalog = new PriceCatalog();
  const defaultAt = Date.parse('2025-09-01T00:00:00Z');

  test('has at least 30 cases', () => assert.ok(Object.keys(ROWS).length >= 30));

  for (const [name, row] of Object.entries(ROWS)) {
    test(name, () => {
      const at = row.at ? Date.parse(`${row.at}T00:00:00Z`) : defaultAt;
      const price = catalog.priceFor(row.model, at);
      const cost = computeCost(row.usage, price, row.tier);
      if (row.total === null) {
        assert.equal(price, undefined);
        assert.equal(cost.known, false);
        assert.equal(cost.total, null);
        return;
      }
      assert.ok(price, `${row.model} has a price`);
      assert.equal(cost.known, true);
      assert.equal(formatUsd(cost.total!), row.total);
      if (row.pricedAs) assert.equal(price.model, row.pricedAs);
      if (row.tierApplied !== undefined) assert.equal(cost.tierApplied, row.tierApplied);
    });
  }
});
