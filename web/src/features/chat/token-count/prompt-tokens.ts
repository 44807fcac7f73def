/**
 * Prompt tokens of a chat turn, counted as the gateway counts them (src/metering/tokenizer.ts):
 * the same encodings (gpt-tokenizer), the same choice of encoding per model, the same cookbook
 * formula (3 per message, role and content, 3 for the primed reply) and the same cut of
 * pathologically long runs. test/web/prompt-tokens.test.ts checks it against the gateway's count.
 *
 * Unlike the gateway, the app counts a draft many times as it is typed, so text is counted per
 * paragraph and paragraph counts are remembered: a keystroke recounts one paragraph. Paragraphs are
 * cut only after a run of newlines followed by a non-space, where the tokenizer's pre-split always
 * cuts, so the sum is the count of the whole text.
 */

export type EncodingName = 'o200k_base' | 'cl100k_base';

/** The part of a gpt-tokenizer encoding module the counter uses. */
export interface Encoder {
  countTokens(text: string, options?: { disallowedSpecial?: Set<string> }): number;
}

// Same table as the gateway's ENCODING_BY_PREFIX: the first matching prefix wins.
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

/** The encoding a model uses; unknown models get o200k_base, like the gateway. */
export function encodingNameForModel(model: string): EncodingName {
  let name = model.trim().toLowerCase();
  if (name.startsWith('ft:')) {
    const end = name.indexOf(':', 3);
    name = end === -1 ? name.slice(3) : name.slice(3, end);
  }
  name = name.slice(name.lastIndexOf('/') + 1);
  for (const [prefix, encoding] of ENCODING_BY_PREFIX) if (name.startsWith(prefix)) return encoding;
  return 'o200k_base';
}

const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };
export const TOKENS_PER_MESSAGE = 3;
export const REPLY_PRIMING_TOKENS = 3;

// The gateway cuts runs of one character class longer than this many UTF-8 bytes (BPE inside one
// pre-token is quadratic); counting the same pieces keeps the two counts equal.
const MAX_RUN_BYTES = 512;
const SHORT_TEXT = Math.floor(MAX_RUN_BYTES / 3);

function charClass(code: number): number {
  if (code < 0x80) {
    if (code === 32 || (code >= 9 && code <= 13)) return 1;
    if (code >= 48 && code <= 57) return 4;
    if ((code | 0x20) >= 97 && (code | 0x20) <= 122) return 2;
    return 3;
  }
  if ((code >= 0x2000 && code <= 0x206f) || (code >= 0x3000 && code <= 0x303f) || (code >= 0xfe30 && code <= 0xfe4f) || (code >= 0xff00 && code <= 0xff0f) || (code >= 0xff1a && code <= 0xff20)) {
    return 3;
  }
  return 2;
}

function countWithRunCuts(encoder: Encoder, text: string): number {
  if (text.length === 0) return 0;
  if (text.length <= SHORT_TEXT) return encoder.countTokens(text, PLAIN_TEXT);
  let total = 0;
  let start = 0;
  let runClass = 0;
  let runBytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const cls = charClass(code);
    const bytes = code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code <= 0xdfff ? 2 : 3;
    if (cls !== runClass || cls === 4) {
      runClass = cls;
      runBytes = bytes;
      continue;
    }
    runBytes += bytes;
    if (runBytes > MAX_RUN_BYTES && !(code >= 0xdc00 && code <= 0xdfff)) {
      total += encoder.countTokens(text.slice(start, i), PLAIN_TEXT);
      start = i;
      runBytes = bytes;
    }
  }
  if (start === 0) return encoder.countTokens(text, PLAIN_TEXT);
  return total + encoder.countTokens(text.slice(start), PLAIN_TEXT);
}

/** Splits after every run of newlines that is followed by a non-whitespace character. */
export function paragraphs(text: string): string[] {
  const out: string[] = [];
  const re = /\n+(?=\S)/g;
  let start = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const end = m.index + m[0].length;
    out.push(text.slice(start, end));
    start = end;
  }
  out.push(text.slice(start));
  return out;
}

export interface ChatMessageText {
  role: string;
  content: string;
}

/** A counter bound to one encoding, remembering the counts of paragraphs it has seen. */
export class PromptCounter {
  private readonly cache = new Map<string, number>();

  constructor(private readonly encoder: Encoder, private readonly cacheLimit = 5000) {}

  /** Tokens of a text, as the gateway's countTextTokens. */
  countText(text: string): number {
    // A run longer than the cut spans paragraphs only if it has no newline, so a paragraph
    // boundary never falls inside a cut run: cutting per paragraph cuts at the same places.
    let total = 0;
    for (const p of paragraphs(text)) total += this.countParagraph(p);
    return total;
  }

  private countParagraph(p: string): number {
    if (p.length < 64) return countWithRunCuts(this.encoder, p);
    const hit = this.cache.get(p);
    if (hit !== undefined) return hit;
    const n = countWithRunCuts(this.encoder, p);
    if (this.cache.size >= this.cacheLimit) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(p, n);
    return n;
  }

  /** Tokens one message adds to a prompt: 3 for its framing, its role and its content. */
  countMessage(m: ChatMessageText): number {
    return TOKENS_PER_MESSAGE + this.countText(m.role) + this.countText(m.content);
  }

  /** The prompt of a whole conversation, as the gateway's countChatPromptTokens. */
  countPrompt(messages: readonly ChatMessageText[]): number {
    let total = REPLY_PRIMING_TOKENS;
    for (const m of messages) total += this.countMessage(m);
    return total;
  }
}

/** Loads one encoding (each is its own chunk of about 0.5–1 MB gzipped; only the one needed is fetched). */
export async function loadEncoder(name: EncodingName): Promise<Encoder> {
  return name === 'cl100k_base' ? import('gpt-tokenizer/encoding/cl100k_base') : import('gpt-tokenizer/encoding/o200k_base');
}
