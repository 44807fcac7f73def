import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MemoryLoginThrottle } from './login-throttle.ts';
import { ACCOUNT_THROTTLE, throttleDelayMs } from './throttle-policy.ts';

const ana = { account: 'ana@example.com', ip: '203.0.113.7' };

function setup(options: { maxEntries?: number } = {}) {
  const clock = { t: Date.UTC(2026, 0, 1) };
  return { clock, throttle: new MemoryLoginThrottle({ ...options, now: () => clock.t }) };
}

describe('throttleDelayMs', () => {
  test('free, then doubling from the 5th failure, capped, then a 15-minute lock at the 10th', () => {
    const schedule = Array.from({ length: 11 }, (_, i) => throttleDelayMs(i, ACCOUNT_THROTTLE));
    assert.deepEqual(schedule, [0, 0, 0, 0, 0, 1_000, 2_000, 4_000, 8_000, 16_000, 900_000]);
    assert.equal(throttleDelayMs(9, { ...ACCOUNT_THROTTLE, maxDelayMs: 5_000 }), 5_000);
  });
});

describe('MemoryLoginThrottle', () => {
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

  test('memory is bounded: the least recently failed keys are dropped', async () => {
    const { throttle } = setup({ maxEntries: 100 });
    for (let i = 0; i < 1_000; i++) await throttle.recordFailure({ account: `u${i}`, ip: `10.0.${i >> 8}.${i & 255}` });
    assert.ok(throttle.size <= 100, `size ${throttle.size}`);
  });
});
