import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FallbackPlan, parseFallbackChains } from './fallback-chain.ts';

test('gpt-4o → gpt-4o-mini after the second failure, then a named deployment, then nothing', () => {
  const chains = parseFallbackChains({ 'gpt-4o': ['gpt-4o-mini', { deployment: 'azure-eu' }] });
  const plan = new FallbackPlan('gpt-4o', chains.get('gpt-4o')!, 2);
  assert.deepEqual(plan.current(), { model: 'gpt-4o' });
  plan.failed('server');
  assert.deepEqual(plan.current(), { model: 'gpt-4o' }, 'one failure: still the model asked for');
  plan.failed('rate_limited');
  assert.deepEqual(plan.current(), { model: 'gpt-4o-mini' });
  assert.equal(plan.position, 1);
  plan.failed('quota');
  assert.deepEqual(plan.current(), { deployment: 'azure-eu' }, 'out of quota: move on at once');
  plan.failed('server');
  plan.failed('server');
  assert.deepEqual(plan.current(), { deployment: 'azure-eu' }, 'the last step stays');
  plan.skip();
  assert.equal(plan.current(), undefined);
});

test('the last step is kept through failures (the retry policy ends the request); skip ends the chain', () => {
  const plan = new FallbackPlan('gpt-4o', []);
  for (let i = 0; i < 5; i++) plan.failed('server');
  plan.failed('quota');
  assert.deepEqual(plan.current(), { model: 'gpt-4o' });
  plan.skip();
  assert.equal(plan.current(), undefined);
});

test('bad chains are refused', () => {
  assert.throws(() => parseFallbackChains({ 'gpt-4o': [] }));
  assert.throws(() => parseFallbackChains({ 'gpt-4o': [{ model: 'x' }] }));
  assert.throws(() => parseFallbackChains({ 'gpt-4o': [''] }));
});
