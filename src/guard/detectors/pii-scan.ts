import type { CountryCode } from 'libphonenumber-js/max';
import { creditCardDetector } from './credit-card-detector.ts';
import { emailDetector } from './email-detector.ts';
import type { Detector, DetectorId, Finding } from './finding.ts';
import { ibanDetector } from './iban-detector.ts';
import { ipAddressDetector } from './ip-address-detector.ts';
import { phoneDetector } from './phone-detector.ts';
import { secretDetector } from './secret-detector.ts';
import { ssnDetector } from './ssn-detector.ts';

/** The built-in detectors, by id; `phone` checks numbers without a country code as numbers of `region`. */
export function builtInDetectors(region: CountryCode = 'US'): Record<DetectorId, Detector> {
  return {
    email: emailDetector,
    phone: phoneDetector(region),
    credit_card: creditCardDetector,
    iban: ibanDetector,
    ssn: ssnDetector,
    ip_address: ipAddressDetector,
    secret: secretDetector,
  };
}

// When two findings overlap, the more specific wins: a secret over a card, a card over a phone number.
const PRIORITY: Record<string, number> = { secret: 7, credit_card: 6, iban: 5, ssn: 4, email: 3, ip_address: 2, phone: 1 };
const rank = (f: Finding) => PRIORITY[f.detector] ?? 8;

/**
 * Runs detectors over `text` and returns non-overlapping findings in text order: of overlapping
 * findings the more specific detector wins (a token in `https://ghp_…@github.com` is a secret, not
 * an address), then the longer.
 * @example scanText('mail a@b.io', [emailDetector]) // [{ detector: 'email', start: 5, end: 11 }]
 */
export function scanText(text: string, detectors: readonly Detector[]): Finding[] {
  const found: Finding[] = [];
  let digits: boolean | undefined;
  for (const d of detectors) {
    if (d.needsDigit && !(digits ??= DIGIT.test(text))) continue;
    d.scan(text, found);
  }
  return resolveOverlaps(found);
}

const DIGIT = /\d/;

/**
 * Keeps, of overlapping findings, the higher-priority (then the longer); sorted by start. One pass
 * over the findings in text order: a finding either loses to the kept ones it overlaps or replaces
 * them all, so the cost stays linear however many there are.
 */
export function resolveOverlaps(found: Finding[]): Finding[] {
  if (found.length < 2) return found;
  const sorted = [...found].sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Finding[] = [];
  const beats = (a: Finding, b: Finding) => rank(a) > rank(b) || (rank(a) === rank(b) && a.end - a.start > b.end - b.start);
  for (const f of sorted) {
    let i = kept.length;
    while (i > 0 && kept[i - 1]!.end > f.start) i--;
    if (i === kept.length) kept.push(f);
    else if (kept.slice(i).every((k) => beats(f, k))) kept.splice(i, kept.length - i, f);
  }
  return kept;
}
