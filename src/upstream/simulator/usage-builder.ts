/**
 * Usage objects in the two shapes the API uses: CompletionUsage (chat and
 * legacy completions) and ResponseUsage (Responses API).
 */
import type { PlannedChoice } from './completion-planner.ts';

/** The token counts of a choice that usage depends on. */
type BilledChoice = Pick<PlannedChoice, 'textTokens' | 'reasoningTokens'>;

/** Completion tokens billed for a set of choices (visible plus reasoning). */
export function completionTokensOf(choices: readonly BilledChoice[]): { completion: number; reasoning: number } {
  let completion = 0;
  let reasoning = 0;
  for (const choice of choices) {
    completion += choice.textTokens + choice.reasoningTokens;
    reasoning += choice.reasoningTokens;
  }
  return { completion, reasoning };
}

/** The CompletionUsage object of chat completions. */
export function chatUsage(promptTokens: number, cachedTokens: number, choices: readonly BilledChoice[]) {
  const { completion, reasoning } = completionTokensOf(choices);
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completion,
    total_tokens: promptTokens + completion,
    prompt_tokens_details: { cached_tokens: cachedTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: reasoning,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** The ResponseUsage object of the Responses API. */
export function responseUsage(inputTokens: number, cachedTokens: number, choice: BilledChoice) {
  const output = choice.textTokens + choice.reasoningTokens;
  return {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: cachedTokens, cache_write_tokens: 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: choice.reasoningTokens },
    total_tokens: inputTokens + output,
  };
}
