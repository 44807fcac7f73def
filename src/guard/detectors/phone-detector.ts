import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { asciiClass, scanRegex, type Detector, type Finding } from './finding.ts';

// An optional +country, an optional (area), then digits with single spaces, dots or dashes. The
// first three digits are spelled out so V8 can skip through prose several characters at a time
// (twice as fast on prose as the plain `\d(?:[ .-]?\d){5,15}`).
export const PHONE_CANDIDATE = /(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d[ .-]?\d[ .-]?\d(?:[ .-]?\d){3,13}(?![\w]|[.-]\d)/g;
// Checked by hand rather than by a look-behind (see credit-card-detector): part of a word, a path, a
// version or an order number (`#`). By character code: a table lookup, not a pattern per candidate.
const NOT_AFTER = asciiClass(/[\w+.#/:-]/);
// Not phone numbers: a dotted quad (an address or a version) or a date.
const IPV4_OR_DATE = /^(?:\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}|\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{4})$/;

// Checking a number against the numbering plans costs tens of µs. A conversation resends its history
// every turn, so the verdicts are remembered (bounded; oldest forgotten first).
const CACHE_LIMIT = 4_096;
const verdicts = new Map<string, string | null>();

function check(raw: string, region: CountryCode): string | null {
  const key = `${region}|${raw}`;
  const known = verdicts.get(key);
  if (known !== undefined) return known;
  const parsed = parsePhoneNumberFromString(raw, raw.startsWith('+') ? undefined : region);
  const verdict = parsed?.isValid() ? (parsed.country ?? parsed.countryCallingCode) : null;
  if (verdicts.size >= CACHE_LIMIT) verdicts.delete(verdicts.keys().next().value!);
  verdicts.set(key, verdict);
  return verdict;
}

/** How many ASCII digits `s` holds (a loop: `replace(/\D/g, '')` costs several times as much per candidate). */
function countDigits(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

/**
 * Phone numbers, checked against the numbering plans by libphonenumber-js (full metadata): a number
 * with `+country` is checked as international, one without as a number of `defaultRegion` (US by
 * default). Candidates come from a cheap pattern first, so prose without digit runs costs nothing.
 * A text with more candidates than its length justifies (one per 128 characters, plus 32) is not
 * allowed to buy unbounded CPU: candidates past that budget count as phone numbers unchecked
 * (fail closed: redacted or blocked, never let through).
 */
export function phoneDetector(defaultRegion: CountryCode = 'US'): Detector {
  return {
    id: 'phone',
    needsDigit: true,
    scan(text: string, out: Finding[]) {
      let budget = 32 + (text.length >> 7);
      scanRegex(
        PHONE_CANDIDATE,
        text,
        (m) => {
          const raw = m[0];
          const before = m.index > 0 ? text.charCodeAt(m.index - 1) : 128;
          if (before < 128 && NOT_AFTER[before] === 1) return undefined;
          const digits = countDigits(raw);
          if (digits < 7 || digits > 15 || IPV4_OR_DATE.test(raw)) return undefined;
          const kind = budget-- > 0 ? check(raw, defaultRegion) : 'unchecked';
          return kind !== null ? { detector: 'phone', kind, start: m.index, end: m.index + raw.length } : undefined;
        },
        out,
      );
    },
  };
}
