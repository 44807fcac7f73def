import assert from 'node:assert/strict';
import { test } from 'node:test';
import { relativeTime } from './relative-time.ts';

test('relative times read as a person says them, past and future', () => {
  const now = Date.parse('2025-06-15T12:00:00Z');
  const cases: [number | string | null, string][] = [
    [null, 'never'],
    [now - 10_000, 'just now'],
    [now - 60_000, '1 min ago'],
    [now - 3 * 60_000, '3 min ago'],
    [new Date(now - 59 * 60_000).toISOString(), '59 min ago'],
    [now - 3_600_000, '1 hour ago'],
    [now - 5 * 3_600_000, '5 hours ago'],
    [now - 86_400_000, '1 day ago'],
    [now + 5 * 86_400_000, 'in 5 days'],
    [now + 2 * 60_000, 'in 2 min'],
    [now - 45 * 86_400_000, 'on 2025-05-01'],
    ['2030-01-01T00:00:00Z', 'on 2030-01-01'],
  ];
  for (const [at, expected] of cases) assert.equal(relativeTime(at, 'never', now), expected, String(at));
  assert.equal(relativeTime(null, '', now), '');
});
