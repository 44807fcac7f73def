import { z } from 'zod';
import { fail } from '../errors/index.ts';

/** Longest name a person may type, in characters (Unicode code points). */
export const HUMAN_NAME_MAX_LENGTH = 100;

/** Control characters (C0, DEL, C1), and the bidirectional marks and overrides that make a name display as another. */
const FORBIDDEN = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

/** The error code every name field answers with; the one formatter (routes/validate-input.ts) reads it from the issue's params. */
export const INVALID_NAME = 'invalid_name';

/**
 * Why a name is not acceptable, or the name normalised: NFC, trimmed, inner runs of white space
 * collapsed to one space, 1 to 100 characters, no control or bidi characters.
 */
export function checkHumanName(input: string): { name: string } | { problem: string } {
  if (FORBIDDEN.test(input)) return { problem: 'must not contain control or bidirectional-override characters' };
  const name = input.normalize('NFC').trim().replace(/\s+/gu, ' ');
  if (name === '') return { problem: 'must not be empty' };
  if ([...name].length > HUMAN_NAME_MAX_LENGTH) return { problem: `must be at most ${HUMAN_NAME_MAX_LENGTH} characters` };
  return { name };
}

/**
 * THE schema of every name a person types: team, organization, key, budget, user display name.
 * A string that breaks the rule is an issue carrying `params.code: 'invalid_name'`, so the one formatter
 * answers 400 `invalid_name` naming the field; a non-string is 400 `invalid_parameter`.
 * @example const TeamBody = z.strictObject({ name: humanName }); // '  Ana   Lab ' → 'Ana Lab'
 */
export const humanName = z.string().transform((input, ctx) => {
  const checked = checkHumanName(input);
  if ('name' in checked) return checked.name;
  ctx.addIssue({ code: 'custom', message: checked.problem, params: { code: INVALID_NAME } });
  return z.NEVER;
});

/**
 * The same rule outside a schema (values from an identity provider, the CLI): the normalised name,
 * or a 400 `invalid_name` naming `param`.
 * @example parseHumanName('  Ana   Pérez ', 'name') // 'Ana Pérez'
 */
export function parseHumanName(input: unknown, param = 'name'): string {
  if (typeof input !== 'string') throw fail('invalid_name', { param, reason: 'expected a string' });
  const checked = checkHumanName(input);
  if ('problem' in checked) throw fail('invalid_name', { param, reason: checked.problem });
  return checked.name;
}
