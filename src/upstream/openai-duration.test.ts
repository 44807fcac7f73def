import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, parseDuration, parseRetryAfter } from './openai-duration.ts';

test('durations are written as OpenAI writes x-ratelimit-reset-*', () => {
  assert.equal(formatDuration(360_000), '6m0s');
  assert.equal(formatDuration(1_000), '1s');
  assert.equal(formatDuration(1_500), '1.5s');
  assert.equal(formatDuration(120), '120ms');
  assert.equal(formatDuration(0.2), '1ms', 'rounded up: never claims a reset that is sooner than it is');
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(90_250), '1m30.25s');
  assert.equal(formatDuration(3_723_000), '1h2m3s');
});

test('durations read back, including the units OpenAI and Go use; garbage is undefined', () => {
  for (const ms of [360_000, 1_000, 1_500, 120, 90_250, 3_723_000]) assert.equal(parseDuration(formatDuration(ms)), ms);
  assert.equal(parseDuration('17ms'), 17);
  assert.equal(parseDuration('0.5s'), 500);
  assert.equal(parseDuration('250us'), 0.25);
  assert.equal(parseDuration('0'), 0);
  for (const bad of ['', 'soon', '5', '1x', '1s garbage', '-1s', undefined, null]) assert.equal(parseDuration(bad), undefined, String(bad));
});

test('Retry-After in seconds or as an HTTP date', () => {
  const now = Date.parse('2026-10-21T07:27:00Z');
  assert.equal(parseRetryAfter('2', now), 2_000);
  assert.equal(parseRetryAfter('0.5', now), 500);
  assert.equal(parseRetryAfter('Wed, 21 Oct 2026 07:28:00 GMT', now), 60_000);
  assert.equal(parseRetryAfter('Wed, 21 Oct 2026 07:00:00 GMT', now), 0, 'a past date means now');
  for (const bad of ['', '-3', 'later', undefined, '12-10']) assert.equal(parseRetryAfter(bad, now), undefined, String(bad));
});
