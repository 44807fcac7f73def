import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MoneyFormatError, formatPricePerMillion, formatUsd, parsePricePerMillion, parseUsd, picosToNanos } from './money.ts';

test('parseUsd reads decimal strings exactly', () => {
  assert.equal(parseUsd('5'), 5_000_000_000);
  assert.equal(parseUsd('5.00'), 5_000_000_000);
  assert.equal(parseUsd('0.1'), 100_000_000);
  assert.equal(parseUsd('0.000000001'), 1);
  assert.equal(parseUsd(' 12.345 '), 12_345_000_000);
});

test('parseUsd refuses negative, NaN, exponent, too precise and absurd amounts', () => {
  for (const bad of ['-1', 'NaN', '1e3', '0.0000000001', '', 'abc', '1,5', '9999999999999', 'Infinity']) {
    assert.throws(() => parseUsd(bad), MoneyFormatError, bad);
  }
});

test('formatUsd keeps at least two decimals and drops trailing zeros', () => {
  assert.equal(formatUsd(1_500_000_000), '1.50');
  assert.equal(formatUsd(0), '0.00');
  assert.equal(formatUsd(123), '0.000000123');
  assert.equal(formatUsd(1_234_567_891), '1.234567891');
  assert.equal(formatUsd(-50_000_000), '-0.05');
});

test('prices per million tokens become exact picos per token', () => {
  assert.equal(parsePricePerMillion('2.50'), 2_500_000);
  assert.equal(parsePricePerMillion('0.025'), 25_000);
  assert.equal(parsePricePerMillion('150'), 150_000_000);
  assert.equal(formatPricePerMillion(2_500_000), '2.50');
  assert.throws(() => parsePricePerMillion('-1'), MoneyFormatError);
  assert.throws(() => parsePricePerMillion('0.0000001'), MoneyFormatError);
});

test('pico to nano rounding is half up and sums stay exact', () => {
  assert.equal(picosToNanos(1499), 1);
  assert.equal(picosToNanos(1500), 2);
  assert.equal(picosToNanos(0), 0);
  let total = 0;
  for (let i = 0; i < 1000; i++) total += parseUsd('0.1');
  assert.equal(formatUsd(total), '100.00', 'no float drift');
});
