import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CircuitBreaker, CircuitBreakers, countsAgainstHealth } from './circuit-breaker.ts';

const fail = (b: CircuitBreaker, now: number) => b.record(b.acquire(now)!, false, now);
const ok = (b: CircuitBreaker, now: number) => b.record(b.acquire(now)!, true, now);

test('consecutive failures open it; a success in between resets the count', () => {
  const b = new CircuitBreaker({ consecutiveFailures: 3, coolDownMs: 1_000 });
  fail(b, 0);
  fail(b, 1);
  ok(b, 2);
  fail(b, 3);
  fail(b, 4);
  assert.equal(b.snapshot(5).state, 'closed');
  fail(b, 5);
  assert.deepEqual(b.snapshot(6), { state: 'open', consecutiveFailures: 3, failures: 5, attempts: 6, openedAt: 5, probeFrom: 1_005 });
  assert.equal(b.acquire(500), undefined, 'refused during the cool-down');
});

test('a failure ratio over the window opens it, once enough attempts were seen; old slices fall out', () => {
  const b = new CircuitBreaker({ consecutiveFailures: 100, failureRatio: 0.5, minRequests: 10, windowMs: 10_000 });
  for (let i = 0; i < 4; i++) {
    fail(b, i * 10);
    ok(b, i * 10 + 1);
  }
  fail(b, 100);
  assert.equal(b.snapshot(101).state, 'closed', '5 of 9: below the minimum number of attempts');
  for (let i = 0; i < 20; i++) ok(b, 20_000 + i);
  for (let i = 0; i < 9; i++) fail(b, 20_100 + i);
  assert.equal(b.snapshot(20_200).state, 'closed', '9 of 29 in the window: the failures of long ago no longer count');
  for (let i = 0; i < 11; i++) fail(b, 20_300 + i);
  assert.equal(b.snapshot(20_400).state, 'open', '20 of 40');
});

test('after the cool-down one probe goes; its success closes, its failure reopens', () => {
  const b = new CircuitBreaker({ consecutiveFailures: 1, coolDownMs: 1_000, probeTimeoutMs: 5_000 });
  fail(b, 0);
  assert.equal(b.allows(999), false);
  assert.equal(b.allows(1_000), true);
  const probe = b.acquire(1_000)!;
  assert.equal(probe.probe, true);
  assert.equal(b.snapshot(1_000).state, 'half_open');
  assert.equal(b.acquire(1_001), undefined, 'only one probe at a time');
  b.record(probe, false, 1_200);
  assert.equal(b.snapshot(1_200).state, 'open');
  assert.equal(b.acquire(2_100), undefined, 'a new cool-down from the failed probe');
  const second = b.acquire(2_200)!;
  b.record(second, true, 2_300);
  assert.equal(b.snapshot(2_300).state, 'closed');
  assert.equal(b.snapshot(2_300).failures, 0, 'counts start afresh');
  assert.equal(b.acquire(2_301)?.probe, false);
});

test('a lost probe is given up after its timeout; late outcomes of older attempts change nothing', () => {
  const b = new CircuitBreaker({ consecutiveFailures: 1, coolDownMs: 100, probeTimeoutMs: 1_000 });
  const old = b.acquire(0)!;
  fail(b, 0);
  b.record(old, true, 50);
  assert.equal(b.snapshot(50).state, 'open', 'a success from before it opened does not close it');
  b.acquire(100);
  assert.equal(b.acquire(500), undefined);
  const again = b.acquire(1_100)!;
  assert.equal(again.probe, true, 'the first probe never reported; another may go');
});

test('one breaker per deployment, with snapshots; rate limits and bad requests are not ill health', () => {
  const all = new CircuitBreakers({ consecutiveFailures: 1 });
  fail(all.get('a'), 0);
  assert.equal(all.allows('a', 1), false);
  assert.equal(all.allows('b', 1), true);
  assert.deepEqual(Object.keys(all.snapshot(1)), ['a']);
  assert.equal(countsAgainstHealth('rate_limited'), false);
  assert.equal(countsAgainstHealth('client'), false);
  assert.equal(countsAgainstHealth('server'), true);
  assert.equal(countsAgainstHealth('connection'), true);
  assert.equal(countsAgainstHealth('quota'), true);
});
