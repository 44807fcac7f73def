import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { DEFAULT_PII_POLICY, GuardPolicies } from '../../guard/index.ts';
import type { Store } from '../../state/index.ts';
import { ENDPOINTS } from '../endpoints.ts';
import { newCall, type GatewayCall } from './call-context.ts';
import { guardInStage } from './guard-in.ts';
import { guardOutStage } from './guard-out.ts';

// guard-out on JSON chat answers with the default PII policy (cards and secrets redacted on the way
// out): a clean answer goes out as it came; a card is redacted wherever the model wrote it; and the
// log-probabilities, which spell the text out token by token, are emptied.
const CARD = '4111 1111 1111 1111';
const target = ENDPOINTS.find((e) => e.route === '/v1/chat/completions')!;
const principal = { keyId: 'key_1', orgId: 'org_1', teamId: 'team_1', userId: null } as unknown as GatewayCall['principal'];
const deps = { policies: new GuardPolicies({ defaultPolicy: DEFAULT_PII_POLICY }), store: undefined as unknown as Store, log: pino({ level: 'silent' }) };

async function answer(reply: Record<string, unknown>): Promise<{ body: Buffer; sent: Buffer }> {
  const raw = Buffer.from(JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] }));
  const call = newCall({ requestId: 'r', method: 'POST', target, path: target.route, ip: '127.0.0.1', headers: {}, sink: undefined as never, rawBody: raw, principal });
  call.body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  call.upstreamBody = raw;
  await guardInStage(deps).run(call);
  const sent = Buffer.from(JSON.stringify(reply));
  call.reply = { kind: 'json', status: 200, headers: {}, body: sent };
  await guardOutStage(deps).run(call);
  return { body: (call.reply as { body: Buffer }).body, sent };
}

const chat = (message: Record<string, unknown>, extra: Record<string, unknown> = {}): { choices: Record<string, unknown>[] } & Record<string, unknown> => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', ...message }, logprobs: null, finish_reason: 'stop', ...extra }],
  usage: { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 },
});

test('guard-out: a clean JSON answer is passed on as it came (not written again)', async () => {
  const { body, sent } = await answer(chat({ content: 'Nothing sensitive here: the review is on 2026-03-14.' }));
  assert.equal(body, sent, 'the very same bytes');
});

test('guard-out: a card in the answer is redacted, also behind an escaped quote or in a second choice', async () => {
  for (const content of [`Your card is ${CARD}.`, `He said "${CARD}" twice`]) {
    const { body } = await answer(chat({ content }));
    const text = (JSON.parse(body.toString()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content;
    assert.ok(!text.includes('4111') && text.includes('[CREDIT_CARD_REDACTED]'), text);
  }
  const two = chat({ content: 'clean' });
  two.choices.push({ index: 1, message: { role: 'assistant', content: `card ${CARD}` }, logprobs: null, finish_reason: 'stop' });
  const { body } = await answer(two);
  assert.ok(!body.toString().includes('4111'), body.toString());
});

test('guard-out: log-probabilities of a clean answer are still emptied (they spell the text out token by token)', async () => {
  const tokens = ['4111 ', '1111 ', '1111 ', '1111'].map((token) => ({ token, logprob: -0.1, bytes: [...Buffer.from(token)], top_logprobs: [] }));
  const { body } = await answer(chat({ content: 'see the tokens' }, { logprobs: { content: tokens } }));
  assert.ok(!body.toString().includes('4111'), body.toString());
});

test('guard-out: what JSON escapes hide is still found (a card or key after \\n, \\t, \\" or \\/, digits written as \\u escapes)', async () => {
  const key = 'sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z';
  const cases = [`line one\n${CARD}`, `tab\t${CARD}`, `quote "${CARD}"`, `path a/${CARD}/b`, `key:\n${key}`, `\n\n${key}\n`];
  for (const content of cases) {
    const { body } = await answer(chat({ content }));
    const text = (JSON.parse(body.toString()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content;
    assert.ok(!text.includes('4111') && !text.includes(key), `${JSON.stringify(content)} → ${JSON.stringify(text)}`);
  }
  // The same card with its digits as \u escapes: an upstream may write JSON that way.
  const escaped = Buffer.from(JSON.stringify(chat({ content: `card ${CARD}` })).replace(/4111/g, '\\u0034\\u0031\\u0031\\u0031'));
  const raw = Buffer.from(JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] }));
  const call = newCall({ requestId: 'r', method: 'POST', target, path: target.route, ip: '127.0.0.1', headers: {}, sink: undefined as never, rawBody: raw, principal });
  call.body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  await guardInStage(deps).run(call);
  call.reply = { kind: 'json', status: 200, headers: {}, body: escaped };
  await guardOutStage(deps).run(call);
  const text = (JSON.parse((call.reply as { body: Buffer }).body.toString()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content;
  assert.ok(!text.includes('4111') && text.includes('[CREDIT_CARD_REDACTED]'), text);
});

test('guard-out: a clean answer pretty-printed as OpenAI sends it (spaces, newlines, "logprobs": null) goes out as the same bytes', async () => {
  const raw = Buffer.from(JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] }));
  const call = newCall({ requestId: 'r', method: 'POST', target, path: target.route, ip: '127.0.0.1', headers: {}, sink: undefined as never, rawBody: raw, principal });
  call.body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  await guardInStage(deps).run(call);
  const sent = Buffer.from(JSON.stringify(chat({ content: 'Two paragraphs.\n\nThe second one, with "quotes" and a/b path.' }), null, 2));
  call.reply = { kind: 'json', status: 200, headers: {}, body: sent };
  await guardOutStage(deps).run(call);
  assert.equal((call.reply as { body: Buffer }).body, sent, 'the very same bytes');
});
