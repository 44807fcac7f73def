import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalTimezone, periodOf } from './period.ts';

const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);

test('ids and bounds in UTC: day, ISO week (Monday start), month, total', () => {
  const t = at('2026-11-25T15:00:00Z'); // a Wednesday
  assert.deepEqual(periodOf('daily', 'UTC', t), { id: 'd:2026-11-25', start: at('2026-11-25T00:00:00Z'), end: at('2026-11-26T00:00:00Z') });
  assert.deepEqual(periodOf('weekly', 'UTC', t), { id: 'w:2026-W48', start: at('2026-11-23T00:00:00Z'), end: at('2026-11-30T00:00:00Z') });
  assert.deepEqual(periodOf('monthly', 'UTC', t), { id: 'm:2026-11', start: at('2026-11-01T00:00:00Z'), end: at('2026-12-01T00:00:00Z') });
  assert.deepEqual(periodOf('total', 'UTC', t), { id: 'total', start: null, end: null });
});

test('local midnight decides the day: 23:30 UTC is already tomorrow in Berlin', () => {
  const p = periodOf('daily', 'Europe/Berlin', at('2026-11-25T23:30:00Z'));
  assert.equal(p.id, 'd:2026-11-26');
  assert.equal(p.start, at('2026-11-25T23:00:00Z'));
  assert.equal(p.end, at('2026-11-26T23:00:00Z'));
  assert.equal(periodOf('daily', 'Europe/Berlin', at('2026-11-25T22:59:59.999Z')).id, 'd:2026-11-25');
  assert.equal(periodOf('daily', 'Asia/Kolkata', at('2026-11-25T18:29:59Z')).id, 'd:2026-11-25');
  assert.equal(periodOf('daily', 'Asia/Kolkata', at('2026-11-25T18:30:00Z')).id, 'd:2026-11-26');
});

test('DST: the autumn day lasts 25 hours, the spring day 23, and weeks and months follow', () => {
  const autumn = periodOf('daily', 'Europe/Berlin', at('2026-10-25T12:00:00Z'));
  assert.equal(autumn.id, 'd:2026-10-25');
  assert.equal(autumn.start, at('2026-10-24T22:00:00Z'));
  assert.equal(autumn.end! - autumn.start!, 25 * H);
  const spring = periodOf('daily', 'Europe/Berlin', at('2026-03-29T12:00:00Z'));
  assert.equal(spring.end! - spring.start!, 23 * H);
  const week = periodOf('weekly', 'Europe/Berlin', at('2026-10-25T22:30:00Z')); // Sunday 23:30 CET
  assert.equal(week.id, 'w:2026-W43');
  assert.equal(week.end, at('2026-10-25T23:00:00Z'));
  assert.equal(week.end! - week.start!, 169 * H);
  const month = periodOf('monthly', 'Europe/Berlin', at('2026-10-10T00:00:00Z'));
  assert.equal(month.end! - month.start!, (31 * 24 + 1) * H);
  const ny = periodOf('daily', 'America/New_York', at('2026-11-01T12:00:00Z'));
  assert.equal(ny.end! - ny.start!, 25 * H);
});

test('ISO week-numbering years at the turn of the year', () => {
  assert.equal(periodOf('weekly', 'UTC', at('2027-01-01T12:00:00Z')).id, 'w:2026-W53');
  assert.equal(periodOf('weekly', 'UTC', at('2024-12-30T12:00:00Z')).id, 'w:2025-W01');
  assert.equal(periodOf('weekly', 'UTC', at('2026-11-29T23:59:59Z')).id, 'w:2026-W48', 'Sunday still belongs to the week');
  assert.equal(periodOf('weekly', 'UTC', at('2026-11-30T00:00:00Z')).id, 'w:2026-W49', 'a new week starts on Monday');
});

test('time zones are validated and canonicalized', () => {
  assert.equal(canonicalTimezone('Europe/Berlin'), 'Europe/Berlin');
  assert.equal(canonicalTimezone('utc'), 'UTC');
  assert.equal(canonicalTimezone('europe/berlin'), 'Europe/Berlin');
  for (const bad of ['', 'Mars/Olympus', 'UTC+1', 'Europe/Berlin ', 'x'.repeat(100)]) assert.equal(canonicalTimezone(bad), undefined, bad);
  assert.throws(() => periodOf('daily', 'Mars/Olympus', 0), RangeError);
});
