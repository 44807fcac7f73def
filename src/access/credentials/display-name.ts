import { errors } from '../../http/errors.ts';

/** Longest display name accepted, in characters (Unicode code points). */
export const DISPLAY_NAME_MAX_LENGTH = 100;

/** Control characters, and the bidirectional overrides that can make a name display as another. */
const FORBIDDEN = /[\p{Cc}\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

/**
 * Validates a person's display name and returns it normalised: NFC, trimmed, inner runs of
 * spaces collapsed. 1 to 100 characters, no control or bidi-override characters. Throws 400
 * `invalid_name` with `param` naming the field (default `name`).
 * @example parseDisplayName('  Ana   Pérez ') // 'Ana Pérez'
 */
export function parseDisplayName(input: unknown, param = 'name'): string {
  if (typeof input !== 'string') throw invalid(param, 'expected a string');
  if (FORBIDDEN.test(input)) throw invalid(param, 'must not contain control characters');
  const name = input.normalize('NFC').trim().replace(/\s+/gu, ' ');
  if (name === '') throw invalid(param, 'must not be empty');
  if ([...name].length > DISPLAY_NAME_MAX_LENGTH) throw invalid(param, `must be at most ${DISPLAY_NAME_MAX_LENGTH} characters`);
  return name;
}

const invalid = (param: string, why: string) => errors.badRequest('invalid_name', `Invalid '${param}': ${why}.`, param);
