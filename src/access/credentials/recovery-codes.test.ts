import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generateRecoveryCodes, redeemRecoveryCode } from './recovery-codes.ts';

describe('recovery codes', () => {
  test('ten distinct codes, stored only as hashes', () => {
    const { codes, hashes } = generateRecoveryCodes();
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);
    for (const c of codes) assert.match(c, /^[a-hjkmnp-z2-9]{4}(-[a-hjkmnp-z2-9]{4}){3}$/);
    for (const h of hashes) assert.match(h, /^[0-9a-f]{64}$/);
    assert.ok(!JSON.stringify(hashes).includes(codes[0]!.slice(0, 4)));
  });

  test('each code works once', () => {
    const { codes, hashes } = generateRecoveryCodes();
    const first = redeemRecoveryCode(hashes, codes[3]!);
    assert.ok(first.ok);
    assert.equal(first.remaining.length, 9);
    assert.equal(redeemRecoveryCode(first.remaining, codes[3]!).ok, false);
    const second = redeemRecoveryCode(first.remaining, codes[0]!);
    assert.ok(second.ok && second.remaining.length === 8);
  });

  test('typing is forgiving: case, spaces and dashes do not matter', () => {
    const { codes, hashes } = generateRecoveryCodes();
    const typed = codes[0]!.toUpperCase().replaceAll('-', ' ');
    assert.equal(redeemRecoveryCode(hashes, typed).ok, true);
  });

  test('wrong and malformed codes fail', () => {
    const { hashes } = generateRecoveryCodes();
    assert.equal(redeemRecoveryCode(hashes, 'aaaa-aaaa-aaaa-aaaa').ok, false);
    assert.equal(redeemRecoveryCode(hashes, '').ok, false);
    assert.equal(redeemRecoveryCode([], 'aaaa-aaaa-aaaa-aaaa').ok, false);
  });
});
