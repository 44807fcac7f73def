/**
 * The counting rules shared by the gateway's tokenizer (tokenizer.ts) and the web app's live
 * estimate (web/src/features/chat/token-count/prompt-tokens.ts), so the cost a person sees before
 * sending is counted exactly as the gateway will count it: which encoding a model uses, the chat
 * framing constants, and the cut of pathologically long runs. No imports: the web app bundles it.
 */

/** The BPE encodings Tollgate counts with. */
export type EncodingName = 'o200k_base' | 'cl100k_base';

/** The part of a gpt-tokenizer encoding module that counting needs. */
export interface TokenCounter {
  countTokens(text: string, options?: { disallowedSpecial?: Set<string> }): number;
}

// Per the cookbook formula: every message is wrapped in <|start|>{role}<|message|>…<|end|>.
export const TOKENS_PER_MESSAGE = 3;
export const TOKENS_PER_NAME = 1;
// Every reply is primed with <|start|>assistant<|message|>.
export const REPLY_PRIMING_TOKENS = 3;

// User text may legitimately contain strings such as "<|endoftext|>"; the API counts them as
// ordinary text, so no special token is recognised (or rejected).
export const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

// Prefixes are checked in order; the first match wins, so more specific families (gpt-4o,
// gpt-4.1) must precede the generic gpt-4 entry.
const ENCODING_BY_PREFIX: ReadonlyArray<readonly [string, EncodingName]> = [
  ['gpt-4o', 'o200k_base'],
  ['gpt-4.', 'o200k_base'],
  ['chatgpt-4o', 'o200k_base'],
  ['gpt-4', 'cl100k_base'],
  ['gpt-3.5', 'cl100k_base'],
  ['gpt-35', 'cl100k_base'],
  ['text-embedding-3-', 'cl100k_base'],
  ['text-embedding-ada-002', 'cl100k_base'],
  ['davinci-002', 'cl100k_base'],
  ['babbage-002', 'cl100k_base'],
];

/**
 * Reduces a model id to the family name used for encoding lookup: lowercases, drops a provider
 * prefix ("openai/gpt-4o") and unwraps fine-tune ids ("ft:gpt-4o-mini-2024-07-18:org::abc" →
 * "gpt-4o-mini-2024-07-18"). Snapshot suffixes need no stripping because lookup is by prefix.
 */
function baseModelName(model: string): string {
  let name = model.trim().toLowerCase();
  if (name.startsWith('ft:')) {
    const end = name.indexOf(':', 3);
    name = end === -1 ? name.slice(3) : name.slice(3, end);
  }
  const slash = name.lastIndexOf('/');
  if (slash !== -1) name = name.slice(slash + 1);
  return name;
}

/**
 * Returns the tokenizer encoding a model uses. o200k_base covers gpt-4o, gpt-4.1, the o-series,
 * gpt-5 and omni-moderation; cl100k_base covers gpt-4, gpt-3.5 and the embedding models. Unknown
 * models get o200k_base, the encoding of every current model family.
 */
export function encodingNameForModel(model: string): EncodingName {
  const name = baseModelName(typeof model === 'string' ? model : '');
  for (const [prefix, encoding] of ENCODING_BY_PREFIX) {
    if (name.startsWith(prefix)) return encoding;
  }
  return 'o200k_base';
}

// ---------------------------------------------------------------------------
// Bounded-cost counting.
//
// BPE merging inside one pre-tokenized piece costs O(n²) in gpt-tokenizer, and a piece is a whole
// run of letters (any script), of whitespace, or of punctuation: 100k identical letters, or 100k
// CJK characters without punctuation, take seconds to a minute. Such runs are therefore cut into
// chunks of at most MAX_RUN_BYTES (UTF-8) and the chunks counted separately. Text without such
// runs — all ordinary text — is counted in one exact call; a cut changes the count by about one
// token, only in those degenerate runs.

const MAX_RUN_BYTES = 512;
// A string this short cannot hold a run longer than MAX_RUN_BYTES (≤3 bytes per UTF-16 unit).
const SHORT_TEXT = Math.floor(MAX_RUN_BYTES / 3);

const WHITESPACE = 1;
const LETTER = 2;
const PUNCT = 3;
const DIGIT = 4;

function charClass(code: number): number {
  if (code < 0x80) {
    if (code === 32 || (code >= 9 && code <= 13)) return WHITESPACE;
    if (code >= 48 && code <= 57) return DIGIT;
    if ((code | 0x20) >= 97 && (code | 0x20) <= 122) return LETTER;
    return PUNCT;
  }
  // General punctuation and spaces, CJK symbols and punctuation, fullwidth punctuation: these end
  // a letter run, as in the tokenizer's pre-split.
  if (
    (code >= 0x2000 && code <= 0x206f) ||
    (code >= 0x3000 && code <= 0x303f) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff0f) ||
    (code >= 0xff1a && code <= 0xff20)
  ) {
    return PUNCT;
  }
  return LETTER;
}

/** Number of tokens in `text` (special-token text as plain text), with pathological runs cut (see above). */
export function countWithRunCuts(encoder: TokenCounter, text: string): number {
  if (text.length === 0) return 0;
  if (text.length <= SHORT_TEXT) return encoder.countTokens(text, PLAIN_TEXT);
  let total = 0;
  let segmentStart = 0;
  let runClass = 0;
  let runBytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const cls = charClass(code);
    const bytes = code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code <= 0xdfff ? 2 : 3;
    if (cls !== runClass || cls === DIGIT) {
      runClass = cls;
      runBytes = bytes;
      continue;
    }
    runBytes += bytes;
    // Never cut between the two halves of a surrogate pair.
    if (runBytes > MAX_RUN_BYTES && !(code >= 0xdc00 && code <= 0xdfff)) {
      total += encoder.countTokens(text.slice(segmentStart, i), PLAIN_TEXT);
      segmentStart = i;
      runBytes = bytes;
    }
  }
  if (segmentStart === 0) return encoder.countTokens(text, PLAIN_TEXT);
  return total + encoder.countTokens(text.slice(segmentStart), PLAIN_TEXT);
}
