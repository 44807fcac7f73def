import { fail } from '../errors/index.ts';

/** Longest model name accepted; OpenAI's own ids (fine-tuned ones included) are far shorter. */
export const MAX_MODEL_NAME_CHARS = 256;

// Control characters (C0, DEL, C1), invisible formatting ones (bidi overrides, zero-width) and the
// Unicode line separators: they can forge log lines or disguise one name as another.
const UNSAFE_CHARS = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
const SURROUNDING_SPACE = /^\s|\s$/;

/**
 * Refuses a model name that cannot be a model: empty, longer than 256 characters, holding control or
 * formatting characters, or with surrounding whitespace (`"gpt-4o-mini "` must not pass for
 * `gpt-4o-mini` in one check and be something else in another). Throws 400 `invalid_parameter`
 * naming `model`; the name itself is not echoed (it may be a megabyte long).
 * @example checkModelName('gpt-4o-mini'); // ok
 */
export function checkModelName(model: string): void {
  if (model.length === 0) throw invalid('it must not be empty');
  if (model.length > MAX_MODEL_NAME_CHARS) throw invalid(`it is ${model.length} characters long; the limit is ${MAX_MODEL_NAME_CHARS}`);
  if (UNSAFE_CHARS.test(model)) throw invalid('it contains control or invisible formatting characters');
  if (SURROUNDING_SPACE.test(model)) throw invalid('it begins or ends with whitespace');
}

function invalid(why: string) {
  return fail('invalid_parameter', { param: 'model', reason: why });
}
