import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyFailure, minimumWait, RetryPolicy } from './retry-policy.ts';

const h = (headers: Record<string, string>) => (name: string) => headers[name];
const T0 = Date.parse('2026-10-21T07:27:00Z');

test('what is retried: rate limits, 5xx, 408, connection errors; not quota 429s, not request errors', () => {
  assert.equal(classifyFailure({ status: 429, errorCode: 'rate_limit_exceeded' }), 'rate_limited');
  assert.equal(classifyFailure({ status: 429 }), 'rate_limited');
  assert.equal(classifyFailure({ status: 429, errorCode: 'insufficient_quota' }), 'quota');
  assert.equal(classifyFailure({ status: 500 }), 'server');
  assert.equal(classifyFailure({ status: 503 }), 'server');
  assert.equal(classifyFailure({ status: 408 }), 'timeout');
  assert.equal(classifyFailure({}), 'connection');
  assert.equal(classifyFailure({ status: 400, errorCode: 'context_length_exceeded' }), 'client');
  const p = new RetryPolicy({ random: () => 0.5 });
  assert.deepEqual(p.decide({ attempt: 1, failure: { status: 429, errorCode: 'insufficient_quota' }, startedAt: T0, now: T0 }), { retry: false, reason: 'quota', kind: 'quota', minWaitMs: 0 });
  assert.equal(p.decide({ attempt: 1, failure: { status: 400 }, startedAt: T0, now: T0 }).retry, false);
  assert.equal(p.decide({ attempt: 1, failure: { status: 401 }, startedAt: T0, now: T0 }).retry, false);
  for (const failure of [{ status: 429 }, { status: 502 }, { status: 408 }, {}]) {
    assert.equal(p.decide({ attempt: 1, failure, startedAt: T0, now: T0 }).retry, true, JSON.stringify(failure));
  }
});

test('exponential backoff with full jitter: uniform between 0 and the doubling ceiling, capped', () => {
  for (const [r, attempt, expected] of [[0, 1, 0], [0.999, 1, 499], [0.5, 2, 500], [0.5, 3, 1_000], [0.999, 10, 7_992]] as const) {
    const p = new RetryPolicy({ random: () => r, maxAttempts: 20, deadlineMs: 600_000 });
    const d = p.decide({ attempt, failure: { status: 503 }, startedAt: T0, now: T0 });
    assert.ok(d.retry);
    assert.equal(d.delayMs, expected, `random ${r}, attempt ${attempt}`);
  }
});

test('Retry-After (seconds or date), retry-after-ms and the reset of an exhausted limit are minimum waits', () => {
  const p = new RetryPolicy({ random: () => 0.1 });
  const at = (headers: Record<string, string>) => p.decide({ attempt: 1, failure: { status: 429, headers: h(headers) }, startedAt: T0, now: T0 });
  const wait = (headers: Record<string, string>) => {
    const d = at(headers);
    assert.ok(d.retry, JSON.stringify(d));
    return [d.delayMs, d.minWaitMs, d.backoffMs];
  };
  assert.deepEqual(wait({ 'retry-after': '3' }), [3_000, 3_000, 50]);
  assert.deepEqual(wait({ 'retry-after': 'Wed, 21 Oct 2026 07:27:05 GMT' }), [5_000, 5_000, 50]);
  assert.deepEqual(wait({ 'retry-after-ms': '1250' }), [1_250, 1_250, 50]);
  assert.deepEqual(wait({ 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '1.5s', 'x-ratelimit-remaining-tokens': '100', 'x-ratelimit-reset-tokens': '6m0s' }), [1_500, 1_500, 50]);
  assert.deepEqual(wait({}), [50, 0, 50], 'nothing asked: the backoff alone');
  assert.equal(minimumWait(h({ 'retry-after': 'soon' }), T0), 0, 'a malformed header is ignored');
});

test('the attempt cap, the total deadline, a started stream and x-should-retry: false end the retries', () => {
  const p = new RetryPolicy({ maxAttempts: 3, deadlineMs: 10_000, random: () => 0.5 });
  assert.equal(p.decide({ attempt: 2, failure: { status: 500 }, startedAt: T0, now: T0 }).retry, true);
  assert.deepEqual(p.decide({ attempt: 3, failure: { status: 500 }, startedAt: T0, now: T0 }), { retry: false, reason: 'attempts', kind: 'server', minWaitMs: 0 });
  const late = p.decide({ attempt: 1, failure: { status: 429, headers: h({ 'retry-after': '30' }) }, startedAt: T0, now: T0 });
  assert.deepEqual(late, { retry: false, reason: 'deadline', kind: 'rate_limited', minWaitMs: 30_000 }, 'a wait past the deadline: give up now, do not hang');
  assert.equal(p.decide({ attempt: 1, failure: { status: 500 }, startedAt: T0, now: T0 + 9_900 }).retry, false);
  assert.equal(p.decide({ attempt: 1, failure: { status: 500 }, startedAt: T0, now: T0, streamStarted: true }).retry, false);
  assert.deepEqual(p.decide({ attempt: 1, failure: { status: 500, headers: h({ 'x-should-retry': 'false' }) }, startedAt: T0, now: T0 }), {
    retry: false,
    reason: 'upstream_said_no',
    kind: 'server',
    minWaitMs: 0,
  });
});
