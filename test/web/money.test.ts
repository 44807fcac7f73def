import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { costOfTokens, formatUsd, nanosToDecimal, parseUsd, ratio, sumUsd } from '../../web/src/lib/money.ts';

describe('money in the web app', () => {
  test('decimal strings become exact nano-dollars', () => {
    assert.equal(parseUsd('0.000123'), 123_000n);
    assert.equal(parseUsd('5'), 5_000_000_000n);
    assert.equal(parseUsd('5000000.00'), 5_000_000_000_000_000n);
    assert.equal(parseUsd('-0.5'), -500_000_000n);
    for (const bad of ['', 'abc', '1e-5', '0.0000000001', '1,00', null, undefined]) assert.equal(parseUsd(bad), null, String(bad));
  });

  test('sums never drift the way floats do', () => {
    assert.equal(0.1 + 0.2 === 0.3, false);
    assert.equal(sumUsd(['0.1', '0.2']), parseUsd('0.3'));
    assert.equal(sumUsd(Array.from({ length: 10_000 }, () => '0.000000001')), 10_000n);
    assert.equal(sumUsd(['0.5', null, '0.25']), 750_000_000n, 'unknown costs are skipped, not zero-padded');
    assert.equal(nanosToDecimal(sumUsd(['0.000123', '0.000877'])), '0.001');
  });

  test('formats for people: cents from a dollar, four significant digits below', () => {
    assert.equal(formatUsd(0n), '$0.00');
    assert.equal(formatUsd(parseUsd('12.345')), '$12.35');
    assert.equal(formatUsd(parseUsd('1234567.891')), '$1,234,567.89');
    assert.equal(formatUsd(parseUsd('0.5')), '$0.50');
    assert.equal(formatUsd(parseUsd('0.002135')), '$0.002135');
    assert.equal(formatUsd(parseUsd('0.0021355')), '$0.002136');
    assert.equal(formatUsd(parseUsd('0.00001845')), '$0.00001845');
    assert.equal(formatUsd(parseUsd('0.000000001')), '$0.000000001');
    assert.equal(formatUsd(null), '—');
    assert.equal(formatUsd(-parseUsd('0.25')!), '−$0.25');
  });

  test('cost of tokens at a price per 1M tokens, rounded half up to nano-dollars', () => {
    assert.equal(costOfTokens(1_000_000, '2.50'), 2_500_000_000n);
    assert.equal(costOfTokens(976, '2.50'), 2_440_000n);
    assert.equal(costOfTokens(1, '0.15'), 150n);
    assert.equal(costOfTokens(3, '0.0000005'), 0n);
    assert.equal(costOfTokens(10, null), null);
    assert.equal(ratio(1n, 4n), 0.25);
    assert.equal(ratio(1n, 0n), 0);
  });
});
