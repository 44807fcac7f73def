import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, test } from 'node:test';
import type { Cache } from './cache.ts';

/** Builds a fresh, empty cache whose entries may be at most `maxEntryBytes`. */
export type CacheFactory = (options: { maxEntryBytes: number }) => Cache | Promise<Cache>;

/**
 * The behaviour every Cache adapter must have (real clock, short TTLs).
 * @example cacheContract('MemoryCache', (o) => new MemoryCache(o));
 */
export function cacheContract(name: string, factory: CacheFactory): void {
  describe(`Cache contract: ${name}`, () => {
    const opened: Cache[] = [];
    const make = async (maxEntryBytes = 1_000) => {
      const c = await factory({ maxEntryBytes });
      opened.push(c);
      return c;
    };
    after(async () => {
      for (const c of opened) await c.close();
    });

    test('a stored value is read back exactly, unicode included; an unknown key misses', async () => {
      const c = await make();
      const value = JSON.stringify({ content: 'Grüße, 世界 🚀', n: 1 });
      assert.equal(await c.set('k1', value, 60_000), true);
      assert.equal(await c.get('k1'), value);
      assert.equal(await c.get('k2'), undefined);
    });

    test('an entry is gone after its TTL', async () => {
      const c = await make();
      await c.set('short', 'x', 400);
      assert.equal(await c.get('short'), 'x');
      await sleep(500);
      assert.equal(await c.get('short'), undefined);
    });

    test('an entry larger than the bound is not stored (bytes, not characters)', async () => {
      const c = await make(100);
      assert.equal(await c.set('big', 'é'.repeat(51), 60_000), false, '102 bytes in 51 characters');
      assert.equal(await c.get('big'), undefined);
      assert.equal(await c.set('fits', 'e'.repeat(100), 60_000), true);
    });

    test('set replaces, delete removes', async () => {
      const c = await make();
      await c.set('k', 'a', 60_000);
      await c.set('k', 'b', 60_000);
      assert.equal(await c.get('k'), 'b');
      await c.delete('k');
      assert.equal(await c.get('k'), undefined);
    });

    test('a TTL that is not a positive integer is refused', async () => {
      const c = await make();
      for (const bad of [0, -1, 1.5, Number.NaN]) await assert.rejects(c.set('k', 'v', bad), RangeError, String(bad));
    });
  });
}
