import { scanRegex, type Detector, type Finding } from './finding.ts';

// Grouped (123-45-6789, 123 45 6789: groups 1, 3, 4) or nine bare digits (groups 5, 6, 7), in one
// pass. Digits spelled out rather than counted (`\d\d\d`, not `\d{3}`): V8 skips through prose
// faster. What may come before is checked by hand (see credit-card-detector): not a digit or `-`
// before a grouped number, not a digit before a bare one.
const CANDIDATE = /(\d\d\d)(?:([- ])(\d\d)\2(\d\d\d\d)(?![\d]|-\d)|(\d\d)(\d\d\d\d)(?!\d))/g;
// Nine bare digits are an SSN only when one is named just before them.
const CONTEXT = /\b(?:ssn|ss#|social\s+security(?:\s+(?:number|no\.?|#))?|soc\.?\s*sec\.?)\b[^\n]{0,24}$/i;

/** Numbers the SSA never issues, or that were published and voided (advertising, the Woolworth wallet card). */
const VOID = new Set(['078051120', '219099999', '123456789']);

/** Whether area, group and serial are in issued ranges: no 000, 666 or 9xx area, no 00 group, no 0000 serial. */
export function ssnValid(area: string, group: string, serial: string): boolean {
  if (area === '000' || area === '666' || area[0] === '9') return false;
  if (group === '00' || serial === '0000') return false;
  return !VOID.has(area + group + serial);
}

// (Module-level, not a closure made per scan: the match carries its text in `input`.)
function accept(m: RegExpExecArray): Finding | undefined {
  const before = m.index > 0 ? m.input.charCodeAt(m.index - 1) : 0;
  if (before >= 48 && before <= 57) return undefined;
  if (m[2] !== undefined) {
    if (before === 45 /* - */) return undefined;
    return ssnValid(m[1]!, m[3]!, m[4]!) ? { detector: 'ssn', start: m.index, end: m.index + m[0].length } : undefined;
  }
  return ssnValid(m[1]!, m[5]!, m[6]!) && CONTEXT.test(m.input.slice(Math.max(0, m.index - 48), m.index)) ? { detector: 'ssn', start: m.index, end: m.index + 9 } : undefined;
}

/** US Social Security numbers: grouped (123-45-6789, 123 45 6789), or nine digits right after "SSN" or "social security". */
export const ssnDetector: Detector = {
  id: 'ssn',
  needsDigit: true,
  scan(text: string, out: Finding[]) {
    scanRegex(CANDIDATE, text, accept, out);
  },
};
