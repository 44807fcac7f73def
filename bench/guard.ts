// In-process cost of the guard (input) stage on a 1,000-token chat prompt: no policy, the default
// PII policy on prose without PII, on prose with a few PII items (redacted; the phone verdicts then
// come from the detector's cache, as they do when a conversation resends its history), on prompts
// whose phone numbers are new every time, and with the prompt-injection rules on as well. Prints CPU
// µs per prompt. Run: node --import tsx bench/guard.ts [--iterations N]
import { parseArgs } from 'node:util';
import { encode } from 'gpt-tokenizer';
import { PROSE as BASE_PROSE } from './guard-prompt.ts';
import { compilePolicy, DEFAULT_PII_POLICY, evaluateInput, type GuardMessage } from '../src/guard/index.ts';

const PROSE = [
  ...BASE_PROSE,
  'The design doc proposes splitting the monolith into billing, identity and reporting services.',
  'Costs rose 12.5% because of storage growth; the archive tier would cut that by about a third.',
  'Customers in the EU asked for data residency, audit exports and single sign-on with SCIM.',
];
const PII = ['Contact: jane.doe@example.com, +1 (415) 555-2671.', 'Card on file 4111 1111 1111 1111, billing IBAN DE89 3704 0044 0532 0130 00.', 'The VPN host is 10.20.30.40.'];

function prompt(withPii: boolean, variant = 0): GuardMessage[] {
  const parts: string[] = [];
  for (let i = 0; encode(parts.join(' ')).length < 1_000; i++) {
    parts.push(PROSE[i % PROSE.length]!);
    if (withPii && i % 12 === 5) parts.push(PII[(i / 12) % PII.length | 0]!.replace('2671', String(1000 + ((variant * 7 + i) % 9000))));
  }
  return [
    { role: 'system', content: 'You are a careful analyst. Answer in plain English.' },
    { role: 'user', content: parts.join(' ') },
  ];
}

function cpuUsPerCall(iterations: number, f: () => unknown): number {
  for (let i = 0; i < Math.min(500, iterations); i++) f();
  const start = process.cpuUsage();
  for (let i = 0; i < iterations; i++) f();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / iterations;
}

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '5000' } } });
const iterations = Number(values.iterations);
const policy = compilePolicy(DEFAULT_PII_POLICY);
const clean = prompt(false);
const dirty = prompt(true);
const tokens = (m: GuardMessage[]) => encode(m.map((x) => x.content).join('\n')).length;
const dirtyVerdict = evaluateInput(policy, dirty);
// More distinct prompts than the phone detector remembers, so every number is checked afresh.
const fresh = Array.from({ length: 5_000 }, (_, v) => prompt(true, v + 1));
let next = 0;
const withPhrases = compilePolicy({ ...DEFAULT_PII_POLICY, input: { ...DEFAULT_PII_POLICY.input, injection: { phrases: 'flag', invisible_characters: 'strip' } } });
const rows = [
  ['no policy', tokens(clean), cpuUsPerCall(iterations * 10, () => evaluateInput(undefined, clean))],
  ['default PII policy, no PII in the prompt', tokens(clean), cpuUsPerCall(iterations, () => evaluateInput(policy, clean))],
  [`default PII policy, ${dirtyVerdict.findings.length} PII items redacted`, tokens(dirty), cpuUsPerCall(iterations, () => evaluateInput(policy, dirty))],
  ['the same, phone numbers new every time', tokens(fresh[0]!), cpuUsPerCall(iterations, () => evaluateInput(policy, fresh[next++ % fresh.length]!))],
  ['default PII policy + injection phrases, no PII', tokens(clean), cpuUsPerCall(iterations, () => evaluateInput(withPhrases, clean))],
] as const;
console.log(`Guard (input) stage, CPU per prompt, ${iterations} iterations\n`);
console.log('| case | prompt tokens | µs per prompt |\n|---|---|---|');
for (const [name, tok, us] of rows) console.log(`| ${name} | ${tok} | ${us.toFixed(2)} |`);
