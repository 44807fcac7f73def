import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, test } from 'node:test';
import type { BucketSpec, CounterEntry, Counters } from './counters.ts';

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
      const c = await make(300);
      const a = entry(100);
      const r = await c.reserve([a], 100);
      assert.ok(r.ok);
      await sleep(20);
      assert.equal(await c.renew(r.reservationId, 5_000), true);
      await sleep(400);
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

    const bucket = (limit: number, windowMs = 60_000, key = `b${++n}`): BucketSpec => ({ key, limit, windowMs });

    test('take: all or nothing across buckets, with what the headers need', async () => {
      const c = await make();
      const rpm = bucket(3);
      const tpm = bucket(1_000);
      const first = await c.take([{ ...rpm, amount: 1 }, { ...tpm, amount: 600 }]);
      assert.ok(first.ok);
      assert.deepEqual(first.states.map((s) => [s.key, s.limit, s.remaining]), [[rpm.key, 3, 2], [tpm.key, 1_000, 400]]);
      // 1 of 3 per minute used: full again in 20 s; 600 of 1000 tokens: in 36 s (a millisecond of slack for the clock).
      assert.ok(first.states[0]!.resetMs > 19_990 && first.states[0]!.resetMs <= 20_000, String(first.states[0]!.resetMs));
      assert.ok(first.states[1]!.resetMs > 35_990 && first.states[1]!.resetMs <= 36_000, String(first.states[1]!.resetMs));
      const refused = await c.take([{ ...rpm, amount: 1 }, { ...tpm, amount: 600 }]);
      assert.equal(refused.ok, false);
      assert.ok(!refused.ok);
      assert.equal(refused.index, 1);
      // 200 tokens short at 1000 per minute: 12 s.
      assert.ok(refused.retryAfterMs > 11_000 && refused.retryAfterMs <= 12_000, String(refused.retryAfterMs));
      assert.equal(refused.states[0]!.remaining, 2, 'the request bucket was not charged');
      const small = await c.take([{ ...rpm, amount: 1 }, { ...tpm, amount: 400 }]);
      assert.ok(small.ok);
      assert.equal(small.states[0]!.remaining, 1);
      assert.ok(small.states[1]!.remaining <= 20, 'at most what drained since (a second is 16 tokens)');
    });

    test('take: an amount above the limit can never pass', async () => {
      const c = await make();
      const r = await c.take([{ ...bucket(100), amount: 101 }]);
      assert.ok(!r.ok);
      assert.equal(r.retryAfterMs, -1);
      assert.equal(r.states[0]!.remaining, 100);
    });

    test('take: capacity comes back continuously with time', async () => {
      const c = await make();
      const b = bucket(10, 1_000);
      const started = Date.now();
      const all = await c.take([{ ...b, amount: 10 }]);
      assert.equal(all.ok && all.states[0]!.remaining, 0);
      const r = await c.take([{ ...b, amount: 5 }]);
      if (r.ok) {
        // Only possible on a machine so slow that half a window passed between the two calls.
        assert.ok(Date.now() - started >= 450, 'admitted before half the window came back');
      } else {
        assert.ok(r.retryAfterMs >= 1 && r.retryAfterMs <= 500, `5 units drain in at most 500 ms, told ${r.retryAfterMs}`);
        await sleep(r.retryAfterMs + 30);
        assert.equal((await c.take([{ ...b, amount: 5 }])).ok, true, 'admitted after the wait it was told');
      }
      await sleep(1_100);
      const full = await c.take([{ ...b, amount: 0 }]);
      assert.equal(full.ok && full.states[0]!.remaining, 10, 'full again after a whole window');
    });

    test('adjust: refunds an overestimate, and an underestimate is debt the next take waits for', async () => {
      const c = await make();
      const b = bucket(1_000);
      assert.ok((await c.take([{ ...b, amount: 800 }])).ok);
      const [refunded] = await c.adjust([{ ...b, delta: -500 }]);
      assert.equal(refunded!.remaining, 700);
      const [over] = await c.adjust([{ ...b, delta: 1_200 }]);
      assert.equal(over!.remaining, 0);
      assert.ok(over!.resetMs > 89_000, 'a level of 1500 of 1000 per minute drains in 90 s');
      const r = await c.take([{ ...b, amount: 0 }]);
      assert.ok(!r.ok, 'in debt: even a zero take waits');
      assert.ok(r.retryAfterMs > 29_000 && r.retryAfterMs <= 30_000, String(r.retryAfterMs));
      const [floor] = await c.adjust([{ ...b, delta: -10_000 }]);
      assert.equal(floor!.remaining, 1_000, 'never below empty');
    });

    test('take: 300 concurrent takes against 100 per minute: exactly 100 pass', async () => {
      const c = await make();
      const b = bucket(100);
      const results = await Promise.all(Array.from({ length: 300 }, () => c.take([{ ...b, amount: 1 }])));
      assert.equal(results.filter((r) => r.ok).length, 100);
    });

    test('buckets refuse bad limits, windows, amounts and repeated keys', async () => {
      const c = await make();
      const b = bucket(10);
      await assert.rejects(c.take([{ ...b, amount: -1 }]), RangeError);
      await assert.rejects(c.take([{ ...b, amount: 0.5 }]), RangeError);
      await assert.rejects(c.take([{ ...b, limit: 0, amount: 1 }]), RangeError);
      await assert.rejects(c.take([{ ...b, windowMs: 0, amount: 1 }]), RangeError);
      await assert.rejects(c.take([{ ...b, amount: 1 }, { ...b, amount: 1 }]), RangeError);
      await assert.rejects(c.adjust([{ ...b, delta: 0.5 }]), RangeError);
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
