import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { BUNDLED_PRICE_FILE, parsePriceData, readPriceFile } from './bundled-prices.ts';

const raw = () => JSON.parse(readFileSync(BUNDLED_PRICE_FILE, 'utf8')) as { models: Record<string, unknown>[] };

describe('openai-prices.json', () => {
  const data = readPriceFile();
  const keys = new Set(data.entries.map((e) => e.model));

  test('validates and covers the models Tollgate promises', () => {
    for (const model of [
      'gpt-5', 'gpt-5-mini', 'gpt-5-nano', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano', 'gpt-4o', 'gpt-4o-mini',
      'o1', 'o1-mini', 'o3', 'o3-mini', 'o4-mini', 'gpt-4-turbo', 'gpt-4', 'gpt-3.5-turbo', 'gpt-3.5-turbo-instruct',
      'text-embedding-3-small', 'text-embedding-3-large', 'text-embedding-ada-002', 'omni-moderation-latest',
      'gpt-4o-audio-preview', 'gpt-4o-realtime-preview', 'gpt-image-1',
    ]) {
      assert.ok(keys.has(model), model);
    }
  });

  test('batch is half the standard price where the file has both', () => {
    for (const e of data.entries) {
      if (!e.batch || e.model.startsWith('ft:')) continue;
      assert.equal(e.batch.input * 2, e.input, `${e.model} batch input`);
      assert.equal(e.batch.output * 2, e.output, `${e.model} batch output`);
    }
  });

  test('flex is half the standard price for o3, o4-mini and the gpt-5 family', () => {
    for (const model of ['o3', 'o4-mini', 'gpt-5', 'gpt-5-mini', 'gpt-5-nano']) {
      const e = data.entries.filter((x) => x.model === model).at(-1)!;
      assert.ok(e.flex, model);
      assert.equal(e.flex.input * 2, e.input, model);
      assert.equal(e.flex.output * 2, e.output, model);
    }
  });

  test('priced models have a positive context window; chat models a max output', () => {
    for (const e of data.entries) {
      assert.ok(e.contextWindow > 0, e.model);
      if (e.output > 0) assert.ok(e.maxOutputTokens > 0, e.model);
    }
  });

  test('bad data fails loudly, naming the field', () => {
    const bad = (mutate: (file: { models: Record<string, unknown>[] }) => void, expected: RegExp) => {
      const file = raw();
      mutate(file);
      assert.throws(() => parsePriceData(file, 'test.json'), expected);
    };
    bad((f) => (f.models[0]!.input = '-1'), /test\.json: models\[0\]\.input: must not be negative/);
    bad((f) => (f.models[1]!.output = 2.5), /models\[1\]\.output: must be a decimal string/);
    bad((f) => (f.models[2]!.batch = { input: 'NaN', output: '1' }), /models\[2\]\.batch\.input: must be a plain decimal/);
    bad((f) => (f.models[0]!.cached_input = '1e3'), /models\[0\]\.cached_input/);
    bad((f) => (f.models[0]!.input = '20000'), /models\[0\]\.input: must be at most 10000/);
    bad((f) => (f.models[0]!.output = '0.0000001'), /models\[0\]\.output: must have at most 6 decimals/);
    bad((f) => delete f.models[0]!.max_output_tokens, /models\[0\]\.max_output_tokens/);
    bad((f) => (f.models[0]!.effective_from = '2025-13-01'), /models\[0\]\.effective_from/);
    bad((f) => f.models.push({ ...f.models[0]! }), /duplicate entry gpt-5@2025-08-07/);
    bad((f) => (f.models[0]!.aliases = ['gpt-4o']), /alias 'gpt-4o' is already a model/);
    bad((f) => (f.models[0]!.model = 'ft:gpt-5'), /models\[0\]\.model/);
    bad((f) => (f.models[0]!.typo = '1'), /models\[0\]/);
  });
});
