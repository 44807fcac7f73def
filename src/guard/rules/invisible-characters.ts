/**
 * Characters that change how text reads without being seen: zero-width space, word joiner and the
 * invisible operators, a byte-order mark inside text, bidirectional embeddings, overrides and isolates
 * (the "Trojan Source" characters), the Mongolian vowel separator, and Unicode tag characters (which
 * can smuggle whole ASCII instructions). Left out on purpose because ordinary text needs them: the
 * zero-width joiner and non-joiner (emoji sequences, Persian, Indic scripts), the left-to-right and
 * right-to-left marks (Arabic, Hebrew) and the soft hyphen.
 */
export const INVISIBLE = /[\u200B\u2060-\u2064\uFEFF\u202A-\u202E\u2066-\u2069\u180E]|[\u{E0000}-\u{E007F}]/gu;

/** Counts invisible characters in `text` (0 when there are none; cheap when there are none). */
export function countInvisible(text: string): number {
  INVISIBLE.lastIndex = 0;
  let n = 0;
  while (INVISIBLE.exec(text) !== null) n++;
  return n;
}

/** `text` without its invisible characters. */
export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE, '');
}
