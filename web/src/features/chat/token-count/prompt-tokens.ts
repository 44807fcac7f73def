/**
 * Prompt tokens of a chat turn, counted as the gateway counts them (src/metering/tokenizer.ts):
 * the same encodings (gpt-tokenizer) and the same rules, imported from the gateway's own
 * src/metering/token-rules.ts (encoding per model, cookbook framing of 3 per message and 3 for the
 * primed reply, the cut of pathologically long runs). test/web/prompt-tokens.test.ts checks the
 * count against the gateway's.
 *
 * Unlike the gateway, the app counts a draft many times as it is typed, so text is counted per
 * paragraph and paragraph counts are remembered: a keystroke recounts one paragraph. Paragraphs are
 * cut only after a run of newlines followed by a non-space, where the tokenizer's pre-split always
 * cuts, so the sum is the count of the whole text.
 */

import { countWithRunCuts, type EncodingName, REPLY_PRIMING_TOKENS, TOKENS_PER_MESSAGE, type TokenCounter } from '../../../../../src/metering/token-rules.ts';

// One set of rules with the gateway: the encoding per model, the chat framing, the run cuts.
export { encodingNameForModel, REPLY_PRIMING_TOKENS, TOKENS_PER_MESSAGE, type EncodingName } from '../../../../../src/metering/token-rules.ts';

/** The part of a gpt-tokenizer encoding module the counter uses. */
export type Encoder = TokenCounter;

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
