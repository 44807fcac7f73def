import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cacheContract } from './cache-contract.ts';
import { MemoryCache } from './memory-cache.ts';

cacheContract('MemoryCache', (o) => new MemoryCache(o));

test('MemoryCache holds at most its byte bound, evicting the least recently used', async () => {
  const c = new MemoryCache({ maxBytes: 1_000, maxEntryBytes: 500 });
  for (const k of ['a', 'b', 'c']) await c.set(k, 'x'.repeat(299), 60_000);
  await c.get('a');
  await c.set('d', 'x'.repeat(299), 60_000);
  assert.equal(await c.get('b'), undefined, 'b was the least recently used');
  assert.ok(await c.get('a'));
  assert.ok(await c.get('d'));
});

test('MemoryCache expires on an injected clock', async () => {
  let now = 1_000;
  const c = new MemoryCache({ now: () => now });
  await c.set('k', 'v', 10_000);
  now += 9_999;
  assert.equal(await c.get('k'), 'v');
  now += 2;
  assert.equal(await c.get('k'), undefined);
});

test('MemoryCache holds at most its entry bound, evicting the least recently used', async () => {
  const c = new MemoryCache({ maxEntries: 2 });
  await c.set('a', '1', 60_000);
  await c.set('b', '2', 60_000);
  await c.get('a');
  await c.set('c', '3', 60_000);
  assert.equal(await c.get('b'), undefined, 'b was the least recently used');
  assert.equal(await c.get('a'), '1');
  assert.equal(await c.get('c'), '3');
});
