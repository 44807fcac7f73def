/**
 * Log probabilities of output tokens (`logprobs` / `top_logprobs` in chat,
 * `top_logprobs` with `include: ["message.output_text.logprobs"]` in
 * Responses). Deterministic per seed: the chosen token is the most likely,
 * followed by up to 19 alternatives, each less likely than the one before.
 */
import { hashString, seededRandom } from './reply-generator.ts';

/** The most alternatives the API reports per token. */
export const MAX_TOP_LOGPROBS = 20;

/** Common tokens offered as the alternatives of a position. */
const ALTERNATIVES = [
  ' the', ' a', ',', '.', ' and', ' of', ' to', ' is', ' in', ' it', '\n', ' that', ' for', ' on',
  ' with', ' as', ' this', ' be', ' at', ' by', ' or', ' an',
];

/** One alternative at a position. */
export interface TopLogprob {
  token: string;
  logprob: number;
  bytes: number[];
}

/** One output token with its log probability and alternatives (ChatCompletionTokenLogprob). */
export interface TokenLogprob extends TopLogprob {
  top_logprobs: TopLogprob[];
}

const encoder = new TextEncoder();
const bytesOf = (text: string): number[] => Array.from(encoder.encode(text));
const round = (value: number): number => Math.round(value * 1e6) / 1e6;

/** Log probabilities of each token text, with `top` alternatives per position (0–20). */
export function tokenLogprobs(tokenTexts: readonly string[], top: number, seed: string): TokenLogprob[] {
  const random = seededRandom(hashString(seed, 0x27d4eb2f));
  return tokenTexts.map((token) => {
    const logprob = round(-random() * 0.6);
    const tops: TopLogprob[] = [];
    if (top > 0) {
      tops.push({ token, logprob, bytes: bytesOf(token) });
      let next = logprob;
      for (const alternative of ALTERNATIVES) {
        if (tops.length >= top) break;
        if (alternative === token) continue;
        next = round(next - 0.5 - random() * 2);
        tops.push({ token: alternative, logprob: next, bytes: bytesOf(alternative) });
      }
    }
    return { token, logprob, bytes: bytesOf(token), top_logprobs: tops };
  });
}
