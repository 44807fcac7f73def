import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { modelKeyChain, resolveModelFamily } from './model-family.ts';
import { PriceCatalog } from './price-catalog.ts';

describe('model family resolution', () => {
  const catalog = new PriceCatalog();

  const CASES: Record<string, string | undefined> = {
    'gpt-4o': 'gpt-4o',
    'gpt-4o-2024-08-06': 'gpt-4o',
    'gpt-4o-2024-11-20': 'gpt-4o',
    'gpt-4o-2024-05-13': 'gpt-4o-2024-05-13',
    'gpt-4o-mini-2024-07-18': 'gpt-4o-mini',
    'gpt-4.1-2025-04-14': 'gpt-4.1',
    'gpt-5-nano-2025-08-07': 'gpt-5-nano',
    'o3-2025-04-16': 'o3',
    'o1-preview-2024-09-12': 'o1',
    'o1-preview': 'o1',
    'gpt-4-0613': 'gpt-4',
    'gpt-4-0314': 'gpt-4',
    'gpt-4-32k-0613': 'gpt-4-32k',
    'gpt-3.5-turbo-0125': 'gpt-3.5-turbo',
    'gpt-3.5-turbo-16k-0613': 'gpt-3.5-turbo-16k',
    'gpt-3.5-turbo-1106': 'gpt-3.5-turbo-1106',
    'gpt-4-turbo-2024-04-09': 'gpt-4-turbo',
    'gpt-4-0125-preview': 'gpt-4-turbo',
    'gpt-4-1106-preview': 'gpt-4-turbo',
    'gpt-4-turbo-preview': 'gpt-4-turbo',
    'gpt-4.5-preview-2025-02-27': 'gpt-4.5-preview',
    'gpt-4o-audio-preview-2024-12-17': 'gpt-4o-audio-preview',
    'gpt-4o-audio-preview-2024-10-01': 'gpt-4o-audio-preview-2024-10-01',
    'gpt-4o-realtime-preview-2024-12-17': 'gpt-4o-realtime-preview',
    'omni-moderation-2024-09-26': 'omni-moderation-latest',
    'text-moderation-latest': 'omni-moderation-latest',
    'ft:gpt-4o-mini:acme::abc123': 'ft:gpt-4o-mini',
    'ft:gpt-4o-mini-2024-07-18:acme:support-bot:abc123': 'ft:gpt-4o-mini',
    'ft:gpt-3.5-turbo-0125:acme::xyz': 'ft:gpt-3.5-turbo',
    'ft:gpt-5-mini:acme::abc': 'gpt-5-mini',
    'llama-3-70b': undefined,
    'ft:llama-3:acme::abc': undefined,
    'ft:': undefined,
    '-0613': undefined,
  };

  for (const [model, family] of Object.entries(CASES)) {
    test(`${model} → ${family ?? 'no price'}`, () => {
      assert.equal(catalog.familyOf(model), family);
    });
  }

  test('resolveModelFamily works from any set of known ids and aliases', () => {
    const known = new Set(['gpt-4o', 'ft:gpt-4o-mini', 'gpt-4o-mini', 'gpt-4-turbo']);
    assert.equal(resolveModelFamily('gpt-4o-2024-08-06', known), 'gpt-4o');
    assert.equal(resolveModelFamily('ft:gpt-4o-mini:org::id', known), 'ft:gpt-4o-mini');
    assert.equal(resolveModelFamily('gpt-4-0125-preview', known), undefined, 'without the alias it strips to gpt-4');
    assert.equal(resolveModelFamily('gpt-4-0125-preview', known, new Map([['gpt-4-0125-preview', 'gpt-4-turbo']])), 'gpt-4-turbo');
  });

  test('key chains: most specific first, fine-tuned before base', () => {
    assert.deepEqual(modelKeyChain('gpt-4o-audio-preview-2024-12-17', new Map()), [
      ['gpt-4o-audio-preview-2024-12-17', 'gpt-4o-audio-preview', 'gpt-4o-audio'],
    ]);
    assert.deepEqual(modelKeyChain('ft:gpt-4o-mini-2024-07-18:acme::abc', new Map()), [
      ['ft:gpt-4o-mini-2024-07-18:acme::abc', 'ft:gpt-4o-mini-2024-07-18', 'ft:gpt-4o-mini'],
      ['gpt-4o-mini-2024-07-18', 'gpt-4o-mini'],
    ]);
  });

  test('resolved ids are cached, and the cache stays bounded', () => {
    for (let i = 0; i < 12_000; i++) catalog.priceFor(`unknown-model-${i}`, Date.now());
    assert.ok((catalog as unknown as { resolved: Map<string, unknown> }).resolved.size <= 10_000);
    assert.equal(catalog.priceFor('gpt-4o', Date.parse('2025-01-01'))?.model, 'gpt-4o');
  });
});
