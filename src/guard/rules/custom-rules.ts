import { RE2 } from 're2-wasm';
import type { Detector, Finding } from '../detectors/finding.ts';

/** A custom rule that cannot be used; `path` names the rule. */
export class PolicyRuleError extends Error {
  override name = 'PolicyRuleError';
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

/** Longest custom pattern accepted, in characters. */
export const MAX_PATTERN_LENGTH = 1_000;

/**
 * A detector for an administrator's regular expression, run by RE2 (compiled to WebAssembly, the
 * `re2-wasm` package): RE2 matches in time linear in the input whatever the pattern, so no pattern
 * can stall the gateway (catastrophic backtracking cannot happen). RE2 refuses what it cannot
 * run in linear time (back-references, look-around) at load, with its reason.
 * @example regexRuleDetector('project_codes', 'PRJ-\\d{4}', true, 'input.custom[0]')
 */
export function regexRuleDetector(name: string, pattern: string, caseInsensitive: boolean, path: string): Detector {
  if (pattern.length > MAX_PATTERN_LENGTH) throw new PolicyRuleError(`pattern is longer than ${MAX_PATTERN_LENGTH} characters`, path);
  let re: RE2;
  try {
    re = new RE2(pattern, caseInsensitive ? 'giu' : 'gu');
  } catch (err) {
    throw new PolicyRuleError(`pattern is not a regular expression RE2 accepts: ${(err as Error).message}`, path);
  }
  if (re.test('')) throw new PolicyRuleError('pattern matches the empty string', path);
  const id = `custom:${name}`;
  return {
    id,
    scan(text: string, out: Finding[]) {
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        const len = (m[0] ?? '').length;
        // A pattern that matches nothing at some places (`\b`) must not hold the scan on one spot.
        if (len === 0) re.lastIndex++;
        else out.push({ detector: id, start: m.index, end: m.index + len });
      }
    },
  };
}

const escape = (w: string) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A detector for a word list: whole words or phrases, case-insensitive, longest first. The pattern is
 * an alternation of literals, which even a backtracking engine matches in linear time.
 */
export function wordListDetector(name: string, words: readonly string[]): Detector {
  const alternatives = [...new Set(words.map((w) => w.trim().toLowerCase()).filter(Boolean))].sort((a, b) => b.length - a.length).map(escape);
  const re = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}_])`, 'giu');
  const id = `custom:${name}`;
  return {
    id,
    scan(text: string, out: Finding[]) {
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) out.push({ detector: id, start: m.index, end: m.index + m[0].length });
    },
  };
}
