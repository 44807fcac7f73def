import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INJECTION_RULES, matchInjectionRules, normalizeForRules } from '../rules/injection-rules.ts';
import { builtInDetectors, scanText } from './pii-scan.ts';

// Shapes that make careless patterns backtrack or call an expensive validator on every match.
const N = 200_000;
const HOSTILE: Record<string, string> = {
  'spaced digits': '1 '.repeat(N / 2),
  'dashed digits': '1-'.repeat(N / 2),
  'phone numbers back to back': '(415) 555-2671 '.repeat(N / 15),
  'at signs': 'a@'.repeat(N / 2),
  'dotted words': 'a.'.repeat(N / 2),
  'colons and hex': 'ab12:'.repeat(N / 5),
  'PEM headers without end': '-----BEGIN PRIVATE KEY-----'.repeat(N / 27),
  'JWT prefixes': 'eyJabcde.'.repeat(N / 9),
  'key prefixes': ' sk-'.repeat(N / 4),
  'capital As and AWS prefixes': 'AKIAA'.repeat(N / 5),
  'JWT payload starts': '.eyJ'.repeat(N / 4),
  'IBAN-like groups': 'DE89 '.repeat(N / 5),
  'dotted quads': '1.2.3.4.'.repeat(N / 8),
  'injection words': 'ignore your previous '.repeat(N / 21),
};

test('a hostile prompt cannot make the detectors or injection rules take super-linear time (200,000 characters each, under a second)', () => {
  const detectors = Object.values(builtInDetectors());
  for (const [name, text] of Object.entries(HOSTILE)) {
    const t = performance.now();
    scanText(text, detectors);
    matchInjectionRules(normalizeForRules(text), INJECTION_RULES);
    const ms = performance.now() - t;
    assert.ok(ms < 1_000, `${name}: ${ms.toFixed(0)} ms`);
  }
});

test('past its budget of checks the phone detector fails closed: the numbers still count as phone numbers', () => {
  const text = Array.from({ length: 400 }, (_, i) => `+1 415 555 ${String(1000 + i)}`).join(', ');
  const found = scanText(text, [builtInDetectors().phone]);
  assert.equal(found.length, 400, 'every number is found');
  assert.ok(found.some((f) => f.kind === 'unchecked'), 'some were counted without the costly check');
  assert.ok(found.slice(0, 32).every((f) => f.kind === 'US'));
});
