import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { storeKinds, type TestStore } from '../../../test/support/stores.ts';
import { MemoryLoginThrottle, type LoginThrottle } from './login-throttle.ts';
import { StoreLoginThrottle } from './store-login-throttle.ts';
import { ACCOUNT_THROTTLE, throttleDelayMs } from './throttle-policy.ts';

const ana = { account: 'ana@example.com', ip: '203.0.113.7' };

/** Each implementation of LoginThrottle must behave the same; the store ones also across instances. */
const implementations: { name: string; open(): Promise<{ make(now: () => number): LoginThrottle; dispose(): Promise<void> }> }[] = [
  { name: 'MemoryLoginThrottle', open: async () => ({ make: (now) => new MemoryLoginThrottle({ now }), dispose: async () => {} }) },
  ...storeKinds().map((kind) => ({
    name: `StoreLoginThrottle on ${kind.name}`,
    open: async () => {
      const t: TestStore = await kind.create();
      return { make: (now: () => number) => new StoreLoginThrottle(t.store, { now }), dispose: () => t.dispose() };
    },
  })),
];

let make: (now: () => number) => LoginThrottle = (now) => new MemoryLoginThrottle({ now });

// Each test starts a day after the previous one, so counters a store keeps from earlier tests are long forgotten.
let epoch = Date.UTC(2026, 0, 1);

function setup(options: { maxEntries?: number } = {}) {
  epoch += 86_400_000;
  const clock = { t: epoch };
  const throttle = options.maxEntries === undefined ? make(() => clock.t) : new MemoryLoginThrottle({ ...options, now: () => clock.t });
  return { clock, throttle };
}

describe('throttleDelayMs', () => {
  test('free, then doubling from the 5th failure, capped, then a 15-minute lock at the 10th', () => {
    const schedule = Array.from({ length: 11 }, (_, i) => throttleDelayMs(i, ACCOUNT_THROTTLE));
    assert.deepEqual(schedule, [0, 0, 0, 0, 0, 1_000, 2_000, 4_000, 8_000, 16_000, 900_000]);
    assert.equal(throttleDelayMs(9, { ...ACCOUNT_THROTTLE, maxDelayMs: 5_000 }), 5_000);
  });
});

for (const impl of implementations) describe(impl.name, () => {
  let opened: Awaited<ReturnType<(typeof impl)['open']>>;
  before(async () => {
    opened = await impl.open();
    make = opened.make;
  });
  after(() => opened.dispose());

  test('slows, then locks an account; the lock lifts after 15 minutes', async () => {
    const { clock, throttle } = setup();
    for (let i = 1; i <= 4; i++) assert.deepEqual(await throttle.recordFailure(ana), { allowed: true, retryAfterMs: 0 });
    assert.deepEqual(await throttle.recordFailure(ana), { allowed: false, retryAfterMs: 1_000 });
    assert.deepEqual(await throttle.check(ana), { allowed: false, retryAfterMs: 1_000 });
    clock.t += 400;
    assert.deepEqual(await throttle.check(ana), { allowed: false, retryAfterMs: 600 });
    clock.t += 600;
    assert.equal((await throttle.check(ana)).allowed, true);
    for (const expected of [2_000, 4_000, 8_000, 16_000]) {
      assert.equal((await throttle.recordFailure(ana)).retryAfterMs, expected);
      clock.t += expected;
    }
    assert.deepEqual(await throttle.recordFailure(ana), { allowed: false, retryAfterMs: 15 * 60_000 });
    clock.t += 15 * 60_000 - 1;
    assert.equal((await throttle.check(ana)).allowed, false);
    clock.t += 1;
    assert.equal((await throttle.check(ana)).allowed, true);
    assert.equal((await throttle.recordFailure(ana)).allowed, true, 'after the lock the count starts again');
  });

  test('the lock applies from any IP', async () => {
    const { throttle } = setup();
    for (let i = 0; i < 10; i++) await throttle.recordFailure({ ...ana, ip: `198.51.100.${i}` });
    assert.equal((await throttle.check({ ...ana, ip: '192.0.2.1' })).allowed, false);
  });

  test('success resets the account counter', async () => {
    const { throttle } = setup();
    for (let i = 0; i < 4; i++) await throttle.recordFailure(ana);
    await throttle.recordSuccess(ana);
    assert.equal((await throttle.recordFailure(ana)).allowed, true, 'counting from one again');
  });

  test('one IP spraying many accounts is slowed, then locked', async () => {
    const { throttle } = setup();
    let last = { allowed: true, retryAfterMs: 0 };
    for (let i = 0; i < 20; i++) last = await throttle.recordFailure({ account: `user${i}@example.com`, ip: ana.ip });
    assert.deepEqual(last, { allowed: false, retryAfterMs: 1_000 });
    assert.equal((await throttle.check({ account: 'fresh@example.com', ip: ana.ip })).allowed, false);
    assert.equal((await throttle.check({ account: 'fresh@example.com', ip: '192.0.2.1' })).allowed, true);
  });

  test('failures are forgotten after the window', async () => {
    const { clock, throttle } = setup();
    for (let i = 0; i < 4; i++) await throttle.recordFailure(ana);
    clock.t += 15 * 60_000;
    assert.equal((await throttle.recordFailure(ana)).allowed, true);
  });

  test('concurrent failures are all counted (no lost updates), so ten at once lock the account', async () => {
    const { throttle } = setup();
    const who = { account: `burst-${Math.random()}@example.com`, ip: '198.51.100.77' };
    await Promise.all(Array.from({ length: 10 }, () => throttle.recordFailure(who)));
    assert.deepEqual(await throttle.check({ ...who, ip: '192.0.2.99' }), { allowed: false, retryAfterMs: 15 * 60_000 });
  });
});

test('MemoryLoginThrottle: memory is bounded, the least recently failed keys are dropped', async () => {
  const throttle = new MemoryLoginThrottle({ maxEntries: 100 });
  for (let i = 0; i < 1_000; i++) await throttle.recordFailure({ account: `u${i}`, ip: `10.0.${i >> 8}.${i & 255}` });
  assert.ok(throttle.size <= 100, `size ${throttle.size}`);
});

describe('StoreLoginThrottle', () => {
  test('two instances on one store share the count, and prune removes forgotten counters', async () => {
    const t = await storeKinds()[storeKinds().length - 1]!.create();
    try {
      const clock = { t: Date.UTC(2026, 0, 1) };
      const one = new StoreLoginThrottle(t.store, { now: () => clock.t });
      const two = new StoreLoginThrottle(t.store, { now: () => clock.t });
      for (let i = 0; i < 5; i++) await (i % 2 ? one : two).recordFailure(ana);
      assert.deepEqual(await two.check(ana), { allowed: false, retryAfterMs: 1_000 }, 'the fifth failure, counted across both');
      const rows = await t.store.db.selectFrom('login_throttle').selectAll().execute();
      assert.ok(!JSON.stringify(rows).includes('ana@example.com') && !JSON.stringify(rows).includes(ana.ip), 'keys are hashed');
      clock.t += 15 * 60_000;
      assert.equal(await one.prune(), 2);
    } finally {
      await t.dispose();
    }
  });
});
