/** The PII detectors, by the id policies use. */
export const DETECTOR_IDS = ['email', 'phone', 'credit_card', 'iban', 'ssn', 'ip_address', 'secret'] as const;
export type DetectorId = (typeof DETECTOR_IDS)[number];

/**
 * Something a detector or rule found: where (UTF-16 offsets into the scanned text) and what kind.
 * It holds no copy of the value: callers that need it slice the text, and a finding can be logged
 * or audited without leaking what it found.
 */
export interface Finding {
  /** A detector id, or `custom:<rule name>` for a custom rule. */
  detector: string;
  /** A finer kind where the detector has one: `visa`, `openai_key`, `ipv6`, … */
  kind?: string;
  start: number;
  end: number;
}

/** A detector: appends what it finds in `text` to `out` (in any order; overlaps are resolved later). */
export interface Detector {
  readonly id: string;
  /** Finds nothing in a text without an ASCII digit: scanText then skips it (one check for all such detectors). */
  readonly needsDigit?: true;
  scan(text: string, out: Finding[]): void;
}

/**
 * Runs a global regex over `text` and reports each match that `accept` keeps.
 * Regexes here are written to be linear: no nested quantifiers, bounded repetition.
 */
export function scanRegex(re: RegExp, text: string, accept: (m: RegExpExecArray) => Finding | undefined, out: Finding[]): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const f = accept(m);
    if (f) out.push(f);
    if (m[0].length === 0) re.lastIndex++;
  }
}

/** A lookup table of the ASCII characters (by code) that `re` accepts, for checks by hand where a pattern per character would cost more. */
export function asciiClass(re: RegExp): Uint8Array {
  return new Uint8Array(128).map((_, c) => (re.test(String.fromCharCode(c)) ? 1 : 0));
}
