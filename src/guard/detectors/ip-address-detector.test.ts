import assert from 'node:assert/strict';
import { isIPv6 } from 'node:net';
import { test } from 'node:test';
import { randomTexts } from '../../../test/support/random-texts.ts';
import type { Finding } from './finding.ts';
import { ipAddressDetector } from './ip-address-detector.ts';

// The detector tries the IPv6 pattern once per run of hex digits, colons and dots; the reference
// searches the whole text with it (look-behind included), as a plain global pattern would.
const IPV6_EVERYWHERE = /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?![\w:]|\.\d)/g;

function reference(text: string): string[] {
  return [...text.matchAll(IPV6_EVERYWHERE)].filter((m) => /\d/.test(m[0]) && isIPv6(m[0])).map((m) => `${m.index}-${m.index + m[0].length}`);
}

function scanned(text: string): string[] {
  const out: Finding[] = [];
  ipAddressDetector.scan(text, out);
  return out.filter((f) => f.kind === 'ipv6').map((f) => `${f.start}-${f.end}`);
}

test('IPv6: the same addresses as the pattern searched over the whole text (edge cases and 4,000 random strings)', () => {
  const cases = ['::1', 'fe80::1', 'x fe80::1 y', 'gfe80::1', 'see https://example.com:8080/a', '2001:db8::8a2e:370:7334', '::ffff:192.0.2.128', 'Bad::Cafe', 'a:b:c:d:e:f:1:2:3', 'fe80::1::2', '1:2', ':::', ''];
  for (const text of cases) assert.deepEqual(scanned(text), reference(text), JSON.stringify(text));
  const pieces = [':', '::', 'fe80', 'db8', '1', '0', 'a', 'g', '.', '192.0.2.1', ' ', 'x', '_', 'ffff', '2001'];
  for (const text of randomTexts(pieces, 4_000, 16, 5)) assert.deepEqual(scanned(text), reference(text), JSON.stringify(text));
});
