import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countersContract } from './counters-contract.ts';
import { MemoryCounters } from './memory-counters.ts';

countersContract('MemoryCounters', (o) => new MemoryCounters(o));

test('MemoryCounters expires leases on an injected clock and forgets keys of ended periods', async () => {
  let clock = 1_000_000;
  const c = new MemoryCounters({ leaseTtlMs: 10 * 60_000, now: () => clock });
  const a = { key: 'bud_1:d:2026-11-25', limit: 100, base: 0, expireAt: clock + 60_000 };
  const r = await c.reserve([a], 100);
  assert.ok(r.ok);
  assert.equal(r.expiresAt, clock + 10 * 60_000);
  clock += 10 * 60_000 - 1;
  assert.equal((await c.reserve([a], 1)).ok, false, 'the lease still holds one millisecond before its TTL');
  clock += 1;
  assert.deepEqual(await c.usage([a]), [{ key: a.key, spent: 0, reserved: 0 }]);
  await c.settle('res_other', 40, [a]);
  clock += 120_000;
  assert.deepEqual(await c.usage([{ key: a.key, base: 0 }]), [{ key: a.key, spent: 0, reserved: 0 }], 'the ended period was forgotten');
});
