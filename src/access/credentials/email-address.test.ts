import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TollgateError } from '../../errors/index.ts';
import { parseEmailAddress } from './email-address.ts';

const rejects = (input: unknown, param = 'email') =>
  assert.throws(
    () => parseEmailAddress(input, param),
    (e: unknown) => e instanceof TollgateError && e.status === 400 && e.code === 'invalid_email' && e.param === param,
    String(input),
  );

describe('parseEmailAddress', () => {
  test('returns the trimmed, lowercased address', () => {
    assert.equal(parseEmailAddress(' Ana.Perez+ci@Example.COM '), 'ana.perez+ci@example.com');
  });

  test('refuses malformed addresses, naming the field', () => {
    for (const bad of ['', 'ana', 'ana@', '@example.com', 'ana@@example.com', 'ana example@example.com', 'ana@example', 'ana@exa mple.com'])
      rejects(bad);
    rejects(42);
    rejects(null, 'owner');
  });

  test('refuses over-long addresses and local parts', () => {
    rejects(`${'a'.repeat(65)}@example.com`);
    rejects(`ana@${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(60)}.com`);
    assert.equal(parseEmailAddress(`${'a'.repeat(64)}@example.com`).length, 76);
  });
});
