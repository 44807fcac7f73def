import type { Selectable } from 'kysely';
import type { UsageRecordTable } from '../state/index.ts';

/** One row of the usage ledger: ids and numbers only, never message content. */
export type UsageRecord = Selectable<UsageRecordTable>;

/** Token counts as reported by the upstream's `usage` object (chat, responses, completions, embeddings). */
export interface TokenUsage {
  prompt: number;
  cached: number;
  completion: number;
  reasoning: number;
  audioIn: number;
  audioOut: number;
}

type Usage = Record<string, unknown>;
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.trunc(v) : 0);
const obj = (v: unknown): Usage | undefined => (v !== null && typeof v === 'object' ? (v as Usage) : undefined);

/**
 * Reads an upstream `usage` object in either API's vocabulary
 * (chat/completions: prompt_tokens/completion_tokens; responses: input_tokens/output_tokens).
 */
export function readUsage(value: unknown): TokenUsage | undefined {
  const u = obj(value);
  if (!u) return undefined;
  if ('input_tokens' in u || 'output_tokens' in u) {
    return {
      prompt: num(u.input_tokens),
      cached: num(obj(u.input_tokens_details)?.cached_tokens),
      completion: num(u.output_tokens),
      reasoning: num(obj(u.output_tokens_details)?.reasoning_tokens),
      audioIn: num(obj(u.input_tokens_details)?.audio_tokens),
      audioOut: num(obj(u.output_tokens_details)?.audio_tokens),
    };
  }
  return {
    prompt: num(u.prompt_tokens),
    cached: num(obj(u.prompt_tokens_details)?.cached_tokens),
    completion: num(u.completion_tokens),
    reasoning: num(obj(u.completion_tokens_details)?.reasoning_tokens),
    audioIn: num(obj(u.prompt_tokens_details)?.audio_tokens),
    audioOut: num(obj(u.completion_tokens_details)?.audio_tokens),
  };
}
