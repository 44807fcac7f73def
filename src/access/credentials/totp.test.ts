import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Totp } from './totp.ts';

/** RFC 6238 appendix B, SHA-1: the ASCII secret "12345678901234567890". */
const RFC_SECRET = new TextEncoder().encode('12345678901234567890');
const RFC_VECTORS: Array<[seconds: number, code: string]> = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

function at(seconds: number, digits: 6 | 8 = 8) {
  const clock = { t: seconds * 1000 };
  return { clock, totp: new Totp({ issuer: 'Tollgate', digits, now: () => clock.t }) };
}

describe('Totp', () => {
  test('matches the RFC 6238 SHA-1 test vectors (8 digits)', () => {
    for (const [seconds, expected] of RFC_VECTORS) {
      const { totp } = at(seconds);
      assert.equal(totp.generate(RFC_SECRET), expected, `T=${seconds}`);
      assert.equal(totp.verify(RFC_SECRET, expected).valid, true, `T=${seconds}`);
    }
  });

  test('6-digit codes are the last six digits of the same vectors', () => {
    for (const [seconds, expected] of RFC_VECTORS) {
      assert.equal(at(seconds, 6).totp.generate(RFC_SECRET), expected.slice(2), `T=${seconds}`);
    }
  });

  test('accepts one step either side, not two', () => {
    const code = at(1111111109).totp.generate(RFC_SECRET);
    for (const [offset, ok] of [[-60, false], [-30, true], [0, true], [30, true], [60, false]] as const) {
      assert.equal(at(1111111109 + offset).totp.verify(RFC_SECRET, code).valid, ok, `offset ${offset}s`);
    }
  });

  test('replay: a used code is refused for the rest of its window, and so are older ones', () => {
    const { clock, totp } = at(1111111109);
    const code = totp.generate(RFC_SECRET);
    const first = totp.verify(RFC_SECRET, code, null);
    assert.ok(first.valid);
    assert.equal(first.step, Math.floor(1111111109 / 30));
    assert.equal(totp.verify(RFC_SECRET, code, first.step).valid, false);
    clock.t += 30_000;
    assert.equal(totp.verify(RFC_SECRET, code, first.step).valid, false, 'still inside the ±1 window but already used');
    const next = totp.verify(RFC_SECRET, totp.generate(RFC_SECRET), first.step);
    assert.ok(next.valid && next.step === first.step + 1, 'the next step’s code is fine');
  });

  test('malformed codes are invalid; spaces are ignored', () => {
    const { totp } = at(59, 6);
    assert.equal(totp.verify(RFC_SECRET, '287 082').valid, true);
    for (const bad of ['', '28708', '2870822', 'abcdef', '28708a']) assert.equal(totp.verify(RFC_SECRET, bad).valid, false, bad);
  });

  test('enrolment gives a base32 secret of 160 bits and an otpauth URI that verifies', () => {
    const totp = new Totp({ issuer: 'Acme Gateway' });
    const { secret, uri } = totp.enrol('ana@example.com');
    assert.match(secret, /^[A-Z2-7]{32}$/);
    const url = new URL(uri);
    assert.equal(url.protocol, 'otpauth:');
    assert.equal(url.host, 'totp');
    assert.equal(decodeURIComponent(url.pathname), '/Acme Gateway:ana@example.com');
    assert.equal(url.searchParams.get('secret'), secret);
    assert.equal(url.searchParams.get('issuer'), 'Acme Gateway');
    assert.equal(totp.verify(secret, totp.generate(secret)).valid, true);
    assert.notEqual(totp.enrol('ana@example.com').secret, secret);
  });
});
