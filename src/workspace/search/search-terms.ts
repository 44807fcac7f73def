import { fail } from '../../errors/index.ts';

/** At most this many words of a query are used. */
const MAX_TERMS = 12;

/**
 * The words of a search query: runs of letters and digits, lower-cased, at most 12. Every other
 * character (quotes, operators, `*`, `:`) is a separator, so no input can reach either search
 * engine's query syntax. Each word matches as a prefix; all words must match.
 * @example searchTerms('"Budget" AND q3-report*') // ['budget', 'and', 'q3', 'report']
 */
export function searchTerms(q: string): string[] {
  const words = q.toLowerCase().normalize('NFC').match(/[\p{L}\p{N}]+/gu) ?? [];
  const terms = [...new Set(words)].slice(0, MAX_TERMS);
  if (terms.length === 0) throw fail('invalid_parameter', { param: 'q', reason: 'give at least one word to search for' });
  return terms;
}
