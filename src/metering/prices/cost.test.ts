import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { computeCost, estimateWorstCase } from './cost.ts';
import { PriceCatalog } from './price-catalog.ts';
import { billedTier } from './service-tier.ts';

const catalog = new PriceCatalog();
const at = Date.parse('2025-09-01T00:00:00Z');
const price = (model: string) => {
  const p = catalog.priceFor(model, at);
  assert.ok(p, model);
  return p;
};

describe('computeCost breakdown', () => {
  test('components in nanos; reasoning shown inside output, not added twice', () => {
    // gpt-5: 2000 uncached × 1.25/1M + 8000 cached × 0.125/1M + 2000 output × 10.00/1M (1500 of them reasoning)
    const c = computeCost({ prompt: 10_000, cached: 8000, completion: 2000, reasoning: 1500 }, price('gpt-5'), 'default');
    assert.deepEqual(c, {
      known: true,
      total: 23_500_000, // 0.0025 + 0.001 + 0.02
      input: 2_500_000,
      cached: 1_000_000,
      cacheWrite: 0,
      output: 20_000_000,
      reasoning: 15_000_000,
      audio: 0,
      tier: 'default',
      tierApplied: true,
      tierDiscount: 0,
    });
  });

  test('tier discount is standard minus billed: positive for batch, negative for priority', () => {
    const usage = { prompt: 1000, cached: 0, completion: 500, reasoning: 0 };
    const batch = computeCost(usage, price('gpt-4o'), 'batch');
    assert.equal(batch.total, 3_750_000);
    assert.equal(batch.tierDiscount, 3_750_000); // 0.0075 − 0.00375
    const priority = computeCost(usage, price('gpt-4o'), 'priority');
    assert.equal(priority.total, 12_750_000);
    assert.equal(priority.tierDiscount, -5_250_000); // 0.0075 − 0.01275
  });

  test('a tier the model lacks is billed at standard prices and says so', () => {
    const c = computeCost({ prompt: 1000, cached: 0, completion: 1000, reasoning: 0 }, price('gpt-5-nano'), 'priority');
    assert.equal(c.tier, 'priority');
    assert.equal(c.tierApplied, false);
    assert.equal(c.tierDiscount, 0);
    assert.equal(c.total, 450_000);
  });

  test('unknown price: total null, never 0', () => {
    const c = computeCost({ prompt: 1000, cached: 0, completion: 10, reasoning: 0 }, undefined, 'flex');
    assert.equal(c.known, false);
    assert.equal(c.total, null);
    assert.equal(c.tier, 'flex');
  });

  test('audio and image tokens at their own prices', () => {
    const audio = computeCost({ prompt: 1200, cached: 0, completion: 600, reasoning: 0, audioIn: 1000, audioOut: 500 }, price('gpt-4o-audio-preview'), null);
    assert.equal(audio.input, 500_000); // 200 × 2.50
    assert.equal(audio.audio, 80_000_000); // 1000 × 40 + 500 × 80
    assert.equal(audio.output, 1_000_000); // 100 × 10
    const image = computeCost({ prompt: 373, cached: 0, completion: 4160, reasoning: 0, imageIn: 323, imageOut: 4160 }, price('gpt-image-1'), null);
    assert.equal(image.input, 3_480_000); // 50 × 5 + 323 × 10
    assert.equal(image.output, 166_400_000); // 4160 × 40
  });

  test('cache writes cost the cache-write price where one is set, else the input price', () => {
    const base = price('gpt-4o');
    const withWrite = { ...base, cacheWrite: 3_125_000 }; // $3.125 per 1M
    const usage = { prompt: 3000, cached: 1000, completion: 0, reasoning: 0, cacheWrite: 1000 };
    assert.equal(computeCost(usage, withWrite, null).cacheWrite, 3_125_000);
    assert.equal(computeCost(usage, base, null).cacheWrite, 2_500_000);
    assert.equal(computeCost(usage, withWrite, null).total, 2_500_000 + 1_250_000 + 3_125_000);
  });

  test('inconsistent or bad counts are capped, never negative', () => {
    const c = computeCost({ prompt: 100, cached: 500, completion: -5, reasoning: Number.NaN }, price('gpt-4o'), null);
    assert.equal(c.input, 0);
    assert.equal(c.cached, 125_000); // the 100 prompt tokens, all cached, × 1.25
    assert.equal(c.output, 0);
    assert.equal(c.total, 125_000);
  });

  test('the total is rounded once from pico-dollars', () => {
    // o4-mini flex, 3 cached tokens × 0.1375 = 412.5 nanos → 413; each token alone would round to 138 (×3 = 414)
    const c = computeCost({ prompt: 3, cached: 3, completion: 0, reasoning: 0 }, price('o4-mini'), 'flex');
    assert.equal(c.total, 413);
  });
});

describe('billedTier', () => {
  test('maps service_tier values to billed tiers', () => {
    assert.equal(billedTier('default'), 'default');
    assert.equal(billedTier('auto'), 'default');
    assert.equal(billedTier('scale'), 'default');
    assert.equal(billedTier('flex'), 'flex');
    assert.equal(billedTier('priority'), 'priority');
    assert.equal(billedTier('batch'), 'batch');
    assert.equal(billedTier(null), 'default');
    assert.equal(billedTier(undefined), 'default');
    assert.equal(billedTier('toString'), 'default');
  });
});

describe('estimateWorstCase', () => {
  test('prompt at input price plus the largest completion at output price, rounded up', () => {
    // 1000 × 2.50/1M + 500 × 10.00/1M = 0.0075
    assert.equal(estimateWorstCase(1000, 500, price('gpt-4o')), 7_500_000);
    // no max given: the model's 16384 output tokens: 0.0025 + 16384 × 10/1M = 0.16634
    assert.equal(estimateWorstCase(1000, undefined, price('gpt-4o')), 166_340_000);
    // a max above the model's limit is capped by it
    assert.equal(estimateWorstCase(1000, 1_000_000, price('gpt-4o')), 166_340_000);
    // tier prices: 1 token × 0.55/1M (o4-mini flex input) = 550 nanos
    assert.equal(estimateWorstCase(1, 0, price('o4-mini'), 'flex'), 550);
    // 3 tokens × 0.125/1M (gpt-5-mini batch input) = 375 nanos
    assert.equal(estimateWorstCase(3, 0, price('gpt-5-mini'), 'batch'), 375);
  });

  test('audio models reserve at the audio output price; priority at priority prices', () => {
    // 100 × 2.50/1M + 1000 × 80.00/1M = 0.00025 + 0.08
    assert.equal(estimateWorstCase(100, 1000, price('gpt-4o-audio-preview')), 80_250_000);
    // 1000 × 4.25/1M + 500 × 17.00/1M
    assert.equal(estimateWorstCase(1000, 500, price('gpt-4o'), 'priority'), 12_750_000);
  });

  test('rounds up so a reservation never falls short', () => {
    // exact: 1 token × 0.02/1M = 20 nanos
    assert.equal(estimateWorstCase(1, 0, price('text-embedding-3-small')), 20);
    // an input price of $0.0005 per 1M: 1 token = 0.5 nanos → 1
    const half = { ...price('gpt-4o'), input: 500 };
    assert.equal(estimateWorstCase(1, 0, half), 1);
  });

  test('unpriced: null', () => {
    assert.equal(estimateWorstCase(1000, 100, undefined), null);
  });
});
