/**
 * The simulator's own token counting, built directly on gpt-tokenizer's
 * encodings. It deliberately shares no code with the gateway's metering
 * tokenizer (src/metering): the simulator stands in for OpenAI, so a counting
 * error in Tollgate must show up as a difference from what the simulator bills.
 */
import * as cl100kBase from 'gpt-tokenizer/encoding/cl100k_base';
import * as o200kBase from 'gpt-tokenizer/encoding/o200k_base';

/** The BPE encodings of OpenAI's current models. */
export type Encoding = 'o200k_base' | 'cl100k_base';

interface Encoder {
  encode: typeof o200kBase.encode;
  decode: typeof o200kBase.decode;
}

const ENCODERS: Record<Encoding, Encoder> = { o200k_base: o200kBase, cl100k_base: cl100kBase };

// Text such as "<|endoftext|>" in a prompt is ordinary text to the API.
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/**
 * BPE merging is quadratic in the length of one pre-tokenized piece, and a
 * piece can be a whole run of letters without spaces (CJK prose, "aaaa…").
 * Long texts are therefore encoded in chunks of about this many characters,
 * cut just before a single space between two non-space characters: such a
 * space always starts a new piece, so the cut changes nothing. Only a run
 * with no such space for HARD_CUT characters is cut blindly (the count may
 * then differ from OpenAI's by a token or so per cut).
 */
const CHUNK_CHARS = 2048;
const HARD_CUT = 256;

function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

/** Start offsets of the chunks of `text` (see {@link CHUNK_CHARS}). */
function chunkStarts(text: string): number[] {
  const starts = [0];
  let start = 0;
  let lastSafe = 0;
  for (let i = 1; i < text.length; i++) {
    if (text.charCodeAt(i) === 32 && !isSpace(text.charCodeAt(i - 1)) && i + 1 < text.length && !isSpace(text.charCodeAt(i + 1))) {
      lastSafe = i;
    }
    if (i - start >= CHUNK_CHARS && lastSafe > start) {
      start = lastSafe;
      starts.push(start);
    }
    // No safe cut in the last HARD_CUT characters: cut here, but never between the halves of a surrogate pair.
    const code = text.charCodeAt(i);
    if (i - Math.max(start, lastSafe) >= HARD_CUT && !(code >= 0xdc00 && code <= 0xdfff)) {
      start = i;
      lastSafe = i;
      starts.push(start);
    }
  }
  return starts;
}

/** Token ids of `text` in `encoding`. */
export function encodeText(text: string, encoding: Encoding): number[] {
  if (text.length === 0) return [];
  const encoder = ENCODERS[encoding];
  if (text.length <= HARD_CUT) return encoder.encode(text, PLAIN_TEXT);
  const starts = chunkStarts(text);
  if (starts.length === 1) return encoder.encode(text, PLAIN_TEXT);
  const out: number[] = [];
  for (let i = 0; i < starts.length; i++) {
    const piece = encoder.encode(text.slice(starts[i], starts[i + 1] ?? text.length), PLAIN_TEXT);
    for (const token of piece) out.push(token);
  }
  return out;
}

/** Number of tokens of `text` in `encoding`. */
export function countText(text: string, encoding: Encoding): number {
  return encodeText(text, encoding).length;
}

/** The text of `tokens`. */
export function decodeTokens(tokens: readonly number[], encoding: Encoding): string {
  return tokens.length === 0 ? '' : ENCODERS[encoding].decode(tokens);
}

/**
 * The text of each token, for stream deltas and logprobs. A character split
 * across tokens is given whole to the token that completes it (the tokens
 * before it get ""), so joining the pieces always gives the decoded text.
 */
export function tokenTexts(tokens: readonly number[], encoding: Encoding): string[] {
  const encoder = ENCODERS[encoding];
  const texts: string[] = [];
  for (const token of tokens) texts.push(encoder.decode([token]));
  // Tokens that are only part of a UTF-8 sequence decode to U+FFFD alone; decode those runs together.
  if (!texts.some((t) => t.includes('\ufffd'))) return texts;
  const out: string[] = [];
  let pending: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    pending.push(tokens[i] as number);
    const joined = encoder.decode(pending);
    if (joined.endsWith('\ufffd') && i < tokens.length - 1) {
      out.push('');
      continue;
    }
    out.push(joined);
    pending = [];
  }
  return out;
}
