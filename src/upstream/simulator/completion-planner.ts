/**
 * Decides what a simulated completion contains: the reply text of each
 * choice, why it stopped, its real token counts, hidden reasoning tokens and
 * the pieces a stream delivers it in. Shared by chat, responses and legacy
 * completions so all three bill the same way.
 */
import { decodeTokens, encodeText } from '../../metering/index.ts';
import { isReasoningModel } from './model-catalog.ts';
import { generateReply, hashString } from './reply-generator.ts';

/** Tokens per streamed content delta, roughly what the real API sends. */
const TOKENS_PER_DELTA = 3;

/** Inputs that shape the generated completion. */
export interface CompletionPlanRequest {
  /** Text the reply is derived from (usually the last user message). */
  seedText: string;
  model: string;
  /** Number of choices. */
  n: number;
  /** Cap on completion tokens, reasoning included. */
  maxTokens?: number | undefined;
  stop?: readonly string[];
  /** `reasoning_effort` / `reasoning.effort`; scales hidden reasoning tokens. */
  reasoningEffort?: string | undefined;
  /** Wrap the reply in a JSON object (json_object / json_schema response formats). */
  json?: boolean;
}

/** One planned choice. */
export interface PlannedChoice {
  text: string;
  finishReason: 'stop' | 'length';
  /** Visible output tokens (the tokens of `text`). */
  textTokens: number;
  /** Hidden reasoning tokens billed as completion tokens. */
  reasoningTokens: number;
  /** `text` split into stream deltas; concatenated they equal `text`. */
  pieces: string[];
}

/** Hidden reasoning tokens a reasoning model spends, a multiple of 64 derived from the seed. */
export function reasoningTokensFor(seedText: string, model: string, effort: string | undefined): number {
  if (!isReasoningModel(model)) return 0;
  const steps = 2 + (hashString(seedText, 0x5bd1e995) % 6);
  switch (effort) {
    case 'none':
    case 'minimal':
      return 0;
    case 'low':
      return 64 * Math.max(1, Math.floor(steps / 2));
    case 'high':
    case 'xhigh':
      return 64 * steps * 3;
    default:
      return 64 * steps;
  }
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

function splitIntoPieces(tokens: readonly number[], model: string): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < tokens.length; i += TOKENS_PER_DELTA) {
    pieces.push(decodeTokens(tokens.slice(i, i + TOKENS_PER_DELTA), model));
  }
  return pieces;
}

/** Plans every choice of a completion. */
export function planCompletion(request: CompletionPlanRequest): PlannedChoice[] {
  const choices: PlannedChoice[] = [];
  const reasoning = reasoningTokensFor(request.seedText, request.model, request.reasoningEffort);
  const budget = request.maxTokens ?? Number.POSITIVE_INFINITY;
  for (let index = 0; index < request.n; index++) {
    const reply = generateReply(request.seedText, index);
    const full = cutAtStop(request.json === true ? JSON.stringify({ reply }) : reply, request.stop ?? []);
    const reasoningTokens = Math.min(reasoning, budget);
    const visibleBudget = budget - reasoningTokens;
    let tokens = encodeText(full, request.model);
    let finishReason: PlannedChoice['finishReason'] = 'stop';
    if (tokens.length > visibleBudget) {
      tokens = tokens.slice(0, visibleBudget);
      finishReason = 'length';
    }
    const text = finishReason === 'stop' ? full : decodeTokens(tokens, request.model);
    choices.push({
      text,
      finishReason,
      textTokens: tokens.length,
      reasoningTokens,
      pieces: splitIntoPieces(tokens, request.model),
    });
  }
  return choices;
}
