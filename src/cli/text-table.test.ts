import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTable } from './text-table.ts';

test('a table pads columns, keeps cells on one line and cuts long ones', () => {
  const text = formatTable(['NAME', 'EMAIL', 'STATE'], [
    ['Ana Lima', 'ana@example.com', 'active'],
    ['Bo', 'two\nlines', ''],
    ['x'.repeat(60), 'b@example.com', 'disabled'],
  ], 20);
  assert.equal(
    text,
    [
      'NAME                  EMAIL            STATE',
      'Ana Lima              ana@example.com  active',
      'Bo                    two lines',
      `${'x'.repeat(19)}…  b@example.com    disabled`,
      '',
    ].join('\n'),
  );
});
