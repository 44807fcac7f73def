// The budget's prompt-token estimate (issue 10, point 7): CPU per request at 1k, 10k and 100k-token
// prompts. Admission tokenizes the prompt to reserve its worst-case cost, so this must grow
// linearly with the prompt and stay a small share of a small request's cost.
// Run alone: node --import tsx bench/estimate-micro.ts
import { countTextTokens } from '../src/metering/tokenizer.ts';
import { estimatePromptTokens } from '../src/metering/token-estimate.ts';

export interface EstimatePoint {
  /** Prompt tokens, as the estimate counts them. */
  tokens: number;
  /** CPU µs per estimate of one fresh body (no memo). */
  us: number;
  /** µs per 1,000 prompt tokens: flat across sizes when the cost is linear. */
  usPer1k: number;
}

// Varied English prose, so the tokenizer sees words, punctuation and numbers as in real prompts.
const WORDS = (
  'the quarterly report shows revenue grew 12.5% while costs fell; please summarise the key risks, ' +
  'list three actions for the team (with owners), and draft a short email to finance about invoice #4471. ' +
  'Context: our gateway served 1,204,553 requests in October, latency p99 was 840 ms, and two outages ' +
  'were caused by an upstream rate limit. Explain tradeoffs clearly & concisely.'
).split(' ');

/** A chat body whose user message holds about `tokens` tokens. */
function bodyOf(tokens: number, salt: number): Record<string, unknown> {
  const parts: string[] = [];
  let count = 0;
  for (let i = salt; count < tokens; i++) {
    const word = WORDS[i % WORDS.length]!;
    parts.push(word);
    count += countTextTokens(` ${word}`, 'gpt-4o-mini');
  }
  return {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: parts.join(' ') },
    ],
  };
}

export function measureEstimate(sizes: readonly number[] = [1_000, 10_000, 100_000]): EstimatePoint[] {
  return sizes.map((size) => {
    const runs = Math.max(5, Math.round(2_000_000 / size));
    // Fresh objects with the same text: the estimate memoises per body object, the bench must not hit that.
    const template = bodyOf(size, size);
    const bodies = Array.from({ length: runs + 3 }, () => structuredClone(template));
    for (let i = 0; i < 3; i++) estimatePromptTokens('/v1/chat/completions', bodies[i]!, 'gpt-4o-mini');
    let tokens = 0;
    const start = process.cpuUsage();
    for (let i = 3; i < bodies.length; i++) tokens = estimatePromptTokens('/v1/chat/completions', bodies[i]!, 'gpt-4o-mini');
    const used = process.cpuUsage(start);
    const us = (used.user + used.system) / runs;
    return { tokens, us, usPer1k: (us * 1_000) / tokens };
  });
}

export function renderEstimateSection(points: readonly EstimatePoint[], requestCpuUs: number | undefined): string {
  const rows = points.map((p) => {
    const share = requestCpuUs === undefined ? '' : ` | ${((p.us / requestCpuUs) * 100).toFixed(0)} %`;
    return `| ${p.tokens.toLocaleString('en-US')} | ${p.us.toFixed(0)} | ${p.usPer1k.toFixed(1)}${share} |`;
  });
  const shareHead = requestCpuUs === undefined ? '' : ` | of a small request's CPU (${requestCpuUs.toFixed(0)} µs)`;
  return (
    `\n## Budget estimate by prompt size\n\nAdmission tokenizes the prompt to reserve its worst-case cost (in-process, one fresh body per estimate).\n\n` +
    `| prompt tokens | CPU µs per estimate | µs per 1k tokens${shareHead} |\n|---|---|---|${requestCpuUs === undefined ? '' : '---|'}\n${rows.join('\n')}\n`
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(renderEstimateSection(measureEstimate(), undefined));
}
