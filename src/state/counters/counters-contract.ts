import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, test } from 'node:test';
import type { CounterEntry, Counters } from './counters.ts';

/** Builds a fresh, empty Counters adapter for one test. */
export type CountersFactory = (options: { leaseTtlMs: number }) => Counters | Promise<Counters>;

/**
 * The behaviour every Counters adapter must have. Run it from the adapter's test file; it uses the
 * real clock (short leases), so an adapter whose time comes from its server passes it too.
 * @example countersContract('MemoryCounters', (o) => new MemoryCounters(o));
 */
export function countersContract(name: string, factory: CountersFactory): void {
  describe(`Counters contract: ${name}`, () => {
    const opened: Counters[] = [];
    const make = async (leaseTtlMs = 60_000) => {
      const c = await factory({ leaseTtlMs });
      opened.push(c);
      return c;
    };
    after(async () => {
      for (const c of opened) await c.close();
    });
    let n = 0;
    const entry = (limit: number, base = 0, key = `k${++n}`): CounterEntry => ({ key, limit, base });

    test('a reservation within the limit is granted and counted as reserved', async () => {
      const c = await make();
      const a = entry(100, 30);
      const r = await c.reserve([a], 50);
      assert.ok(r.ok);
      assert.deepEqual(await c.usage([a]), [{ key: a.key, spent: 30, reserved: 50 }]);
    });

    test('a key the counters do not hold reports its base; base only seeds unknown keys', async () => {
      const c = await make();
      const a = entry(100, 7);
      assert.deepEqual(await c.usage([a]), [{ key: a.key, spent: 7, reserved: 0 }]);
      assert.ok((await c.reserve([a], 10)).ok);
      assert.deepEqual(await c.usage([{ key: a.key, base: 99 }]), [{ key: a.key, spent: 7, reserved: 10 }]);
    });

    test('all or nothing: if one key has no room, no key is charged, and that key is named', async () => {
      const c = await make();
      const roomy = entry(1_000);
      const tight = entry(100, 90);
      const r = await c.reserve([roomy, tight], 20);
      assert.deepEqual(r, { ok: false, key: tight.key, spent: 90, reserved: 0, limit: 100 });
      assert.deepEqual(await c.usage([roomy, tight]), [
        { key: roomy.key, spent: 0, reserved: 0 },
        { key: tight.key, spent: 90, reserved: 0 },
      ]);
    });

    test('the limit is inclusive, and an exhausted key refuses even a zero amount', async () => {
      const c = await make();
      const a = entry(100);
      assert.ok((await c.reserve([a], 100)).ok);
      assert.equal((await c.reserve([a], 0)).ok, false);
      const zero = entry(0);
      assert.equal((await c.reserve([zero], 0)).ok, false);
      const open = entry(100);
      assert.ok((await c.reserve([open], 0)).ok, 'a zero amount passes while there is room');
    });

    test('a limit lowered below what is committed refuses the next reservation', async () => {
      const c = await make();
      const a = entry(100);
      assert.ok((await c.reserve([a], 60)).ok);
      assert.equal((await c.reserve([{ ...a, limit: 50 }], 1)).ok, false);
    });

    test('settle turns the reservation into the actual spend, on every key', async () => {
      const c = await make();
      const a = entry(100);
      const b = entry(1_000, 500);
      const r = await c.reserve([a, b], 40);
      assert.ok(r.ok);
      const s = await c.settle(r.reservationId, 25, [a, b]);
      assert.deepEqual(s, {
        leaseLive: true,
        usage: [
          { key: a.key, spent: 25, reserved: 0 },
          { key: b.key, spent: 525, reserved: 0 },
        ],
      });
    });

    test('release gives the reservation back once', async () => {
      const c = await make();
      const a = entry(100);
      const r = await c.reserve([a], 100);
      assert.ok(r.ok);
      assert.equal((await c.reserve([a], 1)).ok, false);
      assert.equal(await c.release(r.reservationId), true);
      assert.equal(await c.release(r.reservationId), false);
      assert.deepEqual(await c.usage([a]), [{ key: a.key, spent: 0, reserved: 0 }]);
      assert.ok((await c.reserve([a], 100)).ok);
    });

    test('a lease that is not settled in time is released; a late settle still charges', async () => {
      const c = await make(40);
      const a = entry(100);
      const r = await c.reserve([a], 100);
      assert.ok(r.ok);
      await sleep(80);
      assert.deepEqual(await c.usage([a]), [{ key: a.key, spent: 0, reserved: 0 }]);
      const late = await c.settle(r.reservationId, 30, [a]);
      assert.equal(late.leaseLive, false);
      assert.deepEqual(late.usage, [{ key: a.key, spent: 30, reserved: 0 }]);
    });

    test('renew keeps a lease alive past its first TTL', async () => {
      const c = await make(100);
      const a = entry(100);
      const r = await c.reserve([a], 100);
      assert.ok(r.ok);
      await sleep(20);
      assert.equal(await c.renew(r.reservationId, 2_000), true);
      await sleep(150);
      assert.deepEqual(await c.usage([a]), [{ key: a.key, spent: 0, reserved: 100 }]);
      assert.equal(await c.renew('res_unknown'), false);
    });

    test('200 concurrent reservations against room for 50: exactly 50 are granted', async () => {
      const c = await make();
      const a = entry(50 * 7);
      const results = await Promise.all(Array.from({ length: 200 }, () => c.reserve([a], 7)));
      assert.equal(results.filter((r) => r.ok).length, 50);
      assert.deepEqual(await c.usage([a]), [{ key: a.key, spent: 0, reserved: 350 }]);
    });

    test('negative, fractional and unsafe amounts and repeated keys are refused', async () => {
      const c = await make();
      const a = entry(100);
      for (const bad of [-1, 0.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) {
        await assert.rejects(c.reserve([a], bad), RangeError, String(bad));
      }
      await assert.rejects(c.reserve([a, a], 1), RangeError);
    });
  });
}
