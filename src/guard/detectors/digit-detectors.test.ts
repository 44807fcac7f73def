import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomTexts } from '../../../test/support/random-texts.ts';
import { CARD_CANDIDATE, cardKind, creditCardDetector } from './credit-card-detector.ts';
import type { Detector, Finding } from './finding.ts';
import { PHONE_CANDIDATE } from './phone-detector.ts';
import { ssnDetector, ssnValid } from './ssn-detector.ts';
import { builtInDetectors, resolveOverlaps, scanText } from './pii-scan.ts';

const spans = (d: Detector, text: string) => {
  const out: Finding[] = [];
  d.scan(text, out);
  return out.map((f) => `${f.start}-${f.end}`);
};

test('credit card: a card right after a short number is still found (the short number used to swallow it as one candidate)', () => {
  assert.deepEqual(spans(creditCardDetector, 'item 12 4111 1111 1111 1111'), ['8-27']);
  assert.deepEqual(spans(creditCardDetector, 'ref 7-4111-1111-1111-1111'), [], 'joined by a dash: part of a longer reference, as before');
});

// The same detector with the candidate patterns the scan used before they were unrolled for speed.
const PHONE_BEFORE = /(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d(?:[ .-]?\d){5,15}(?![\w]|[.-]\d)/g;
const CARD_BEFORE = /\d(?:[ -]?\d){11,18}(?![\d]|-\d)/g;

test('phone: the faster candidate pattern finds exactly the candidates the plain one found (4,000 random strings of number pieces)', () => {
  const pieces = ['+1 ', '(415) ', '555', '-', '2671', ' ', '.', '0', '44 ', '20 7946 0958', 'x', '#', '/', '2026-03-14', '4111 1111 1111 1111', '1'];
  for (const text of randomTexts(pieces, 4_000, 10, 3)) {
    const before = [...text.matchAll(PHONE_BEFORE)].map((m) => `${m.index}`);
    const now = [...text.matchAll(PHONE_CANDIDATE)].map((m) => `${m.index}`);
    assert.deepEqual(now, before, JSON.stringify(text));
  }
});

test('credit card: every card the plain candidate pattern found is still found (4,000 random strings of card pieces)', () => {
  const pieces = ['4111', ' ', '-', '1111', '12', '378282246310005', '5555555555554444', '0', 'x', '4111 1111 1111 1111', '6011-1111-1111-1117', '9'];
  for (const text of randomTexts(pieces, 4_000, 10, 9)) {
    const before = new Set(scanWith(CARD_BEFORE, text));
    const now = new Set(spans(creditCardDetector, text));
    for (const s of before) assert.ok(now.has(s), `${JSON.stringify(text)}: ${s} no longer found`);
  }
});

/** The cards the detector's checks accept among the candidates of `candidate`. */
function scanWith(candidate: RegExp, text: string): string[] {
  return [...text.matchAll(candidate)].filter((m) => !(m.index > 0 && /[\d-]/.test(text[m.index - 1]!)) && cardKind(m[0]) !== undefined).map((m) => `${m.index}-${m.index + m[0].length}`);
}

// The SSN scan as it was before its two patterns became one: grouped numbers, then bare ones after a name.
const SSN_GROUPED_BEFORE = /(\d\d\d)([- ])(\d\d)\2(\d\d\d\d)(?![\d]|-\d)/g;
const SSN_BARE_BEFORE = /(?<!\d)(\d\d\d)(\d\d)(\d\d\d\d)(?!\d)/g;
const SSN_CONTEXT = /\b(?:ssn|ss#|social\s+security(?:\s+(?:number|no\.?|#))?|soc\.?\s*sec\.?)\b[^\n]{0,24}$/i;

function ssnBefore(text: string): string[] {
  const grouped = [...text.matchAll(SSN_GROUPED_BEFORE)].filter((m) => !(m.index > 0 && /[\d-]/.test(text[m.index - 1]!)) && ssnValid(m[1]!, m[3]!, m[4]!));
  const bare = [...text.matchAll(SSN_BARE_BEFORE)].filter((m) => ssnValid(m[1]!, m[2]!, m[3]!) && SSN_CONTEXT.test(text.slice(Math.max(0, m.index - 48), m.index)));
  return [...grouped, ...bare].map((m) => `${m.index}-${m.index + m[0].length}`).sort();
}

test('ssn: one pattern for grouped and bare numbers finds exactly what the two patterns found (4,000 random strings of number pieces)', () => {
  const pieces = ['SSN ', 'ssn: ', '123', '45', '6789', '078', '05', '1120', '-', ' ', '0', '9', 'x', '219-09-9999', '536-22-1234', '536221234', 'social security number '];
  let found = 0;
  for (const text of randomTexts(pieces, 4_000, 12, 11)) {
    const before = ssnBefore(text);
    found += before.length;
    assert.deepEqual(spans(ssnDetector, text).sort(), before, JSON.stringify(text));
  }
  assert.ok(found > 200, `the random strings hold SSNs (${found})`);
});

test('scanText: skipping the digit detectors on texts without a digit changes nothing (2,000 random texts with and without digits)', () => {
  const detectors = Object.values(builtInDetectors());
  const pieces = ['call ', '+1 415 555 2671', '4111 1111 1111 1111', 'DE89 3704 0044 0532 0130 00', '536-22-1234', '10.0.0.1', 'fe80::1', 'Bad::Cafe', 'a@b.io', 'sk-', 'Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z', ' ', 'x', '.', ':'];
  let withoutDigits = 0;
  for (const text of randomTexts(pieces, 2_000, 6, 17)) {
    const every: Finding[] = [];
    for (const d of detectors) d.scan(text, every);
    if (!/\d/.test(text)) withoutDigits++;
    assert.deepEqual(scanText(text, detectors), resolveOverlaps(every), JSON.stringify(text));
  }
  assert.ok(withoutDigits > 200, `texts without digits occur (${withoutDigits})`);
});
