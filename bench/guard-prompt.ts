// The 1,000-token prompt the guard benches send: plain business prose with the numbers such prose
// has (counts, versions, percentages, a date) and no PII, the common case a PII policy must not slow.
import { encode } from 'gpt-tokenizer';

/** Business prose: counts, versions, percentages and a date, no PII. */
export const PROSE = [
  'The quarterly review covered revenue, hiring and the roadmap for the next two releases.',
  'Our support team answered 1,284 tickets in March, with a median first response of 42 minutes.',
  'Release 4.2 moves the scheduler to a queue and drops the legacy export; version 4.3 follows in June.',
  'Please summarize the main risks, list open questions, and suggest three follow-up actions for the team.',
  'Latency at the 95th percentile was 310 ms, down from 420 ms after the cache change on 2026-03-14.',
];

/** Sentences of PROSE, repeated until the text has at least `tokens` tokens (o200k). */
export function proseOfTokens(tokens: number): { text: string; sentences: string[] } {
  const sentences: string[] = [];
  for (let i = 0; encode(sentences.join(' ')).length < tokens; i++) sentences.push(PROSE[i % PROSE.length]!);
  return { text: sentences.join(' '), sentences };
}
