import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TollgateError } from '../../errors/index.ts';
import { parseDisplayName } from './display-name.ts';

const rejects = (input: unknown, param = 'name') =>
  assert.throws(
    () => parseDisplayName(input, param),
    (e: unknown) => e instanceof TollgateError && e.status === 400 && e.code === 'invalid_name' && e.param === param,
    JSON.stringify(input),
  );

describe('parseDisplayName', () => {
  test('normalises: NFC, trimmed, single spaces', () => {
    assert.equal(parseDisplayName('  Ana   Pe\u0301rez '), 'Ana Pérez');
    assert.equal(parseDisplayName('李小龍'), '李小龍');
  });

  test('refuses empty, over-long, control and bidi-override characters, naming the field', () => {
    rejects('');
    rejects('   ');
    rejects('a'.repeat(101));
    rejects('Ana\u0000');
    rejects('Ana\nPérez');
    rejects('admin\u202Egnp.exe');
    rejects(7, 'display_name');
    assert.equal(parseDisplayName('a'.repeat(100)).length, 100);
  });
});
