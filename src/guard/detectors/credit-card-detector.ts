import { scanRegex, type Detector, type Finding } from './finding.ts';

// 12–19 digits, optionally grouped by single spaces or dashes, starting with four digits (every
// plausible grouping does: 4-4-4-4, 4-6-5, or none), spelled `\d\d\d\d` rather than `\d{4}` (V8 then
// skips through prose four characters at a time: three times faster) and keeps leading digits ("12 4111 1111 1111 1111") from hiding a card. What may come
// before is checked by hand: a leading look-behind makes V8 try it at every position.
export const CARD_CANDIDATE = /\d\d\d\d(?:[ -]?\d){8,15}(?![\d]|-\d)/g;
const BEFORE = /[\d-]/;

interface Brand {
  kind: string;
  /** Prefix ranges on the first 6 digits, inclusive, padded: [from, to] as 6-digit numbers. */
  ranges: readonly (readonly [number, number])[];
  lengths: readonly number[];
}

const r = (from: string, to: string = from): readonly [number, number] => [Number(from.padEnd(6, '0')), Number(to.padEnd(6, '9'))];

/** Issuer identification ranges and lengths of the major networks (ISO/IEC 7812 as the networks publish them). */
const BRANDS: readonly Brand[] = [
  { kind: 'visa', ranges: [r('4')], lengths: [13, 16, 19] },
  { kind: 'mastercard', ranges: [r('51', '55'), r('2221', '2720')], lengths: [16] },
  { kind: 'amex', ranges: [r('34'), r('37')], lengths: [15] },
  { kind: 'discover', ranges: [r('6011'), r('644', '649'), r('65'), r('622126', '622925')], lengths: [16, 17, 18, 19] },
  { kind: 'jcb', ranges: [r('3528', '3589')], lengths: [16, 17, 18, 19] },
  { kind: 'diners', ranges: [r('300', '305'), r('36'), r('38'), r('39')], lengths: [14, 15, 16, 17, 18, 19] },
  { kind: 'unionpay', ranges: [r('62')], lengths: [16, 17, 18, 19] },
  { kind: 'maestro', ranges: [r('5018'), r('5020'), r('5038'), r('5893'), r('6304'), r('6759'), r('6761', '6763')], lengths: [12, 13, 14, 15, 16, 17, 18, 19] },
  { kind: 'mir', ranges: [r('2200', '2204')], lengths: [16, 17, 18, 19] },
];

/** The Luhn (mod 10) check every payment card number passes. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length - 1, double = false; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** The card network of a number, if its prefix and length belong to one. */
export function cardBrand(digits: string): string | undefined {
  const prefix = Number(digits.slice(0, 6));
  for (const b of BRANDS) {
    if (b.lengths.includes(digits.length) && b.ranges.some(([lo, hi]) => prefix >= lo && prefix <= hi)) return b.kind;
  }
  return undefined;
}

// Written numbers are grouped 4-4-4-4(-3), 4-6-5 (Amex) or 4-6-4 (Diners); anything else is something else.
function groupingPlausible(raw: string): boolean {
  const groups = raw.split(/[ -]/);
  if (groups.length === 1) return true;
  const seps = raw.match(/[ -]/g)!;
  if (seps.some((s) => s !== seps[0])) return false;
  const lens = groups.map((g) => g.length);
  if (lens.slice(0, -1).every((l) => l === 4) && lens.at(-1)! >= 1 && lens.at(-1)! <= 4) return true;
  return lens.length === 3 && lens[0] === 4 && lens[1] === 6 && (lens[2] === 5 || lens[2] === 4);
}

/** The card network of a candidate (digits grouped by spaces or dashes), if it is a plausibly written, Luhn-valid card number. */
export function cardKind(raw: string): string | undefined {
  const digits = raw.replace(/[ -]/g, '');
  return groupingPlausible(raw) && luhnValid(digits) ? cardBrand(digits) : undefined;
}

function acceptCard(m: RegExpExecArray): Finding | undefined {
  const text = m.input;
  if (m.index > 0 && BEFORE.test(text[m.index - 1]!)) return undefined;
  const kind = cardKind(m[0]);
  return kind ? { detector: 'credit_card', kind, start: m.index, end: m.index + m[0].length } : undefined;
}

/** Payment card numbers: known network prefix and length, Luhn-valid, plausibly grouped. */
export const creditCardDetector: Detector = {
  id: 'credit_card',
  needsDigit: true,
  scan(text: string, out: Finding[]) {
    scanRegex(CARD_CANDIDATE, text, acceptCard, out);
  },
};
