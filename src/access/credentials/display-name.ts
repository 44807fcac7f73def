import { HUMAN_NAME_MAX_LENGTH, parseHumanName } from '../../http/index.ts';

/** Longest display name accepted, in characters (Unicode code points): the one rule of every name. */
export const DISPLAY_NAME_MAX_LENGTH = HUMAN_NAME_MAX_LENGTH;

/**
 * Validates a person's display name and returns it normalised (see `humanName`, the rule every
 * name field follows). Throws 400 `invalid_name` with `param` naming the field (default `name`).
 * @example parseDisplayName('  Ana   Pérez ') // 'Ana Pérez'
 */
export function parseDisplayName(input: unknown, param = 'name'): string {
  return parseHumanName(input, param);
}
