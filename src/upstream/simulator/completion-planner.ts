/**
 * Decides what a simulated completion contains: the text of each choice
 * (prose, or JSON for the JSON output formats), why it stopped, its real
 * token counts, hidden reasoning tokens and the pieces a stream delivers it
 * in. Shared by chat, responses and legacy completions so all three bill the
 * same way.
 */
import { formattedOutput, type OutputFormat } from './output-format.ts';
import { generateReply } from './reply-generator.ts';
import { decodeTokens, encodeText, tokenTexts, type Encoding } from './token-counter.ts';

/** Tokens per streamed content delta, roughly what the real API sends. */
const TOKENS_PER_DELTA = 3;

/** Inputs that shape the generated completion. */
export interface CompletionPlanRequest {
  /** Text the reply is derived from (usually the last user message). */
  seedText: string;
  encoding: Encoding;
  /** Number of choices. */
  n: number;
  /** Cap on completion tokens, reasoning included. */
  maxTokens?: number | undefined;
  stop?: readonly string[];
  /** Hidden reasoning tokens each choice spends before its answer. */
  reasoningTokens?: number;
  /** JSON output formats; plain prose when absent. */
  format?: OutputFormat;
}

/** One planned choice. */
export interface PlannedChoice {
  text: string;
  finishReason: 'stop' | 'length';
  /** Visible output tokens (the tokens of `text`). */
  textTokens: number;
  /** Hidden reasoning tokens billed as completion tokens. */
  reasoningTokens: number;
  /** The text of each visible token, in order (they join to `text`). */
  tokenTexts: string[];
  /** Stream deltas: `tokenTexts` grouped a few at a time. */
  pieces: string[];
}

function cutAtStop(text: string, stop: readonly string[]): string {
  let end = text.length;
  for (const sequence of stop) {
    if (sequence.length === 0) continue;
    const at = text.indexOf(sequence);
    if (at !== -1 && at < end) end = at;
  }
  return text.slice(0, end);
}

/** Groups per-token texts into stream deltas. */
export function groupPieces(texts: readonly string[]): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < texts.length; i += TOKENS_PER_DELTA) pieces.push(texts.slice(i, i + TOKENS_PER_DELTA).join(''));
  return pieces;
}

/** Plans every choice of a completion. */
export function planCompletion(request: CompletionPlanRequest): PlannedChoice[] {
  const choices: PlannedChoice[] = [];
  const budget = request.maxTokens ?? Number.POSITIVE_INFINITY;
  for (let index = 0; index < request.n; index++) {
    const reply = generateReply(request.seedText, index);
    const formatted = request.format === undefined ? undefined : formattedOutput(request.format, `${request.seedText}\u0000${index}`, reply);
    const full = cutAtStop(formatted ?? reply, request.stop ?? []);
    const reasoningTokens = Math.min(request.reasoningTokens ?? 0, budget);
    const visibleBudget = budget - reasoningTokens;
    let tokens = encodeText(full, request.encoding);
    let finishReason: PlannedChoice['finishReason'] = 'stop';
    if (tokens.length > visibleBudget) {
      tokens = tokens.slice(0, visibleBudget);
      finishReason = 'length';
    }
    const texts = tokenTexts(tokens, request.encoding);
    choices.push({
      text: finishReason === 'stop' ? full : decodeTokens(tokens, request.encoding),
      finishReason,
      textTokens: tokens.length,
      reasoningTokens,
      tokenTexts: texts,
      pieces: groupPieces(texts),
    });
  }
  return choices;
}
