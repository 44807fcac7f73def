// In-process CPU of the gateway's guard-in and guard-out stages together, per request, for a
// 1,000-token chat prompt (no PII: the common case) and a 150-word JSON reply: no policy anywhere,
// then the default PII policy (tollgate.yaml `guardrails.default_policy: pii`). The stages run on a
// call as admit leaves it; the reply is a JSON chat completion. Prints CPU µs per request.
// Run: node --import tsx bench/guard-stages-micro.ts [--iterations N]
import { parseArgs } from 'node:util';
import pino from 'pino';
import { DEFAULT_PII_POLICY, GuardPolicies } from '../src/guard/index.ts';
import { ENDPOINTS } from '../src/gateway/endpoints.ts';
import { newCall, type GatewayCall } from '../src/gateway/pipeline/call-context.ts';
import { guardInStage } from '../src/gateway/pipeline/guard-in.ts';
import { guardOutStage } from '../src/gateway/pipeline/guard-out.ts';
import type { Store } from '../src/state/index.ts';
import { proseOfTokens } from './guard-prompt.ts';

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '3000' } } });
const iterations = Number(values.iterations);

const { text: prose, sentences } = proseOfTokens(1_000);
const body = { model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'You are a careful analyst.' }, { role: 'user', content: prose }] };
const raw = Buffer.from(JSON.stringify(body));
const withPii = { ...body, messages: [body.messages[0]!, { role: 'user', content: `${prose} Contact jane.doe@example.com, card 4111 1111 1111 1111, host 10.20.30.40.` }] };
const rawPii = Buffer.from(JSON.stringify(withPii));
const reply = Buffer.from(JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content: sentences.slice(0, 10).join(' ') }, finish_reason: 'stop' }], usage: { prompt_tokens: 1000, completion_tokens: 200, total_tokens: 1200 } }));
const target = ENDPOINTS.find((e) => e.route === '/v1/chat/completions')!;
const principal = { keyId: 'key_1', orgId: 'org_1', teamId: 'team_1', userId: null } as unknown as GatewayCall['principal'];

function measure(policies: GuardPolicies, raw: Buffer): number {
  const deps = { policies, store: undefined as unknown as Store, log: pino({ level: 'silent' }) };
  const gin = guardInStage(deps);
  const gout = guardOutStage(deps);
  const one = () => {
    const call = newCall({ requestId: 'r', method: 'POST', target, path: target.route, ip: '127.0.0.1', headers: {}, sink: undefined as never, rawBody: raw, principal });
    call.body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>; // admit's work, not the guard's
    call.upstreamBody = raw;
    const start = process.cpuUsage();
    void gin.run(call);
    call.reply = { kind: 'json', status: 200, headers: {}, body: reply };
    void gout.run(call);
    const used = process.cpuUsage(start);
    return used.user + used.system;
  };
  // Long enough for V8 to compile the stages and tier the patterns up: a server runs them thousands of times.
  for (let i = 0; i < 3_000; i++) one();
  let total = 0;
  for (let i = 0; i < iterations; i++) total += one();
  return total / iterations;
}

const off = measure(new GuardPolicies({}), raw);
const on = measure(new GuardPolicies({ defaultPolicy: DEFAULT_PII_POLICY }), raw);
const onPii = measure(new GuardPolicies({ defaultPolicy: DEFAULT_PII_POLICY }), rawPii);
console.log(`guard-in + guard-out, 1,000-token prompt, ${iterations} requests`);
console.log(`no policy            ${off.toFixed(1)} µs/request`);
console.log(`default PII policy   ${on.toFixed(1)} µs/request (no PII in the prompt)`);
console.log(`default PII policy   ${onPii.toFixed(1)} µs/request (3 items redacted, body re-serialized)`);
console.log('(no policy is the floor of this measurement: process.cpuUsage itself, around the two property reads the stages do)');
