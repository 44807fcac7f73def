import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { startGateway, UPSTREAM_KEY, type TestGateway } from '../support/gateway.ts';
import { storeKinds, type TestStore } from '../support/stores.ts';

// Issue 13.5: guardrails in the gateway's guard stages, configured per organization, team and key
// through /api, with the official openai SDK as the client.

const EMAIL = 'jane.doe@example.com';
const CARD = '4111 1111 1111 1111';

interface CreatedKey {
  id: string;
  key: string;
  org_id: string;
  team_id: string | null;
}

async function newKey(gw: TestGateway, name: string): Promise<CreatedKey> {
  const res = await gw.call('/api/keys', { body: { name } });
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()) as CreatedKey;
}

const client = (gw: TestGateway, key: string) => new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });

for (const kind of storeKinds()) {
describe(`guardrails on /v1 requests, set per organization and key through /api (${kind.name})`, () => {
  let gw: TestGateway;
  let store: TestStore;
  let a: CreatedKey;
  let b: CreatedKey;

  before(async () => {
    store = await kind.create();
    gw = await startGateway({ store });
    a = await newKey(gw, 'key a');
    b = await newKey(gw, 'key b');
  });
  after(async () => {
    await gw.close();
    await store.dispose();
  });

  const lastSimBody = () => gw.sim.requests.at(-1)!.body as { messages: { content: string }[] };

  test('no policy configured: the prompt reaches the upstream unchanged', async () => {
    await client(gw, a.key).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `mail ${EMAIL}, card ${CARD}` }] });
    assert.equal(lastSimBody().messages[0]!.content, `mail ${EMAIL}, card ${CARD}`);
  });

  test('a bad policy through the API is a 400 in OpenAI shape naming the field; nothing is stored', async () => {
    const put = (body: unknown) => gw.call(`/api/guardrails/policies/org/${a.org_id}`, { method: 'PUT', body });
    let res = await put({ input: { pii: { email: 'explode' } } });
    assert.equal(res.status, 400);
    let err = ((await res.json()) as { error: { code: string; param: string; type: string; message: string } }).error;
    assert.equal(err.code, 'invalid_guard_policy');
    assert.equal(err.type, 'invalid_request_error');
    assert.equal(err.param, 'policy.input.pii.email');
    res = await put({ input: { custom: [{ type: 'regex', name: 'backref', pattern: '(a)\\1', action: 'block' }] } });
    assert.equal(res.status, 400);
    err = ((await res.json()) as { error: typeof err }).error;
    assert.equal(err.code, 'invalid_guard_policy');
    assert.match(err.param, /^policy\.input\.custom\.0/);
    res = await gw.call(`/api/guardrails/policies/org/${a.org_id}`, { method: 'PUT', body: '{"input": ', headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 400);
    res = await gw.call(`/api/guardrails/policies/org/${a.org_id}`);
    assert.equal(res.status, 404, 'no policy was stored');
    // Each valid alone, but more than 100 custom rules once merged with the organization's: refused up front.
    const rules = (p: string) => Array.from({ length: 60 }, (_, i) => ({ type: 'words', name: `${p}${i}`, words: [`${p}w${i}`], action: 'flag' }));
    assert.equal((await put({ input: { custom: rules('o') } })).status, 200);
    res = await gw.call(`/api/guardrails/policies/key/${b.id}`, { method: 'PUT', body: { input: { custom: rules('k') } } });
    assert.equal(res.status, 400);
    err = ((await res.json()) as { error: typeof err }).error;
    assert.equal(err.code, 'invalid_guard_policy');
    assert.match(err.message, /combined with the policies above it/);
    assert.equal((await gw.call(`/api/guardrails/policies/org/${a.org_id}`, { method: 'DELETE' })).status, 200);
  });

  test('an org policy redacts an email before the upstream sees it and puts it back in the reply', async () => {
    const res = await gw.call(`/api/guardrails/policies/org/${a.org_id}`, {
      method: 'PUT',
      body: { input: { pii: { email: 'redact', credit_card: 'block' } }, restore_placeholders: true },
    });
    assert.equal(res.status, 200, await res.clone().text());
    const out = await client(gw, a.key).completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: `write to ${EMAIL} today`, echo: true, max_tokens: 5 });
    const sent = gw.sim.requests.at(-1)!.body as { prompt: string };
    assert.equal(sent.prompt, 'write to [EMAIL_1] today', 'the upstream received a placeholder');
    assert.ok(out.choices[0]!.text.startsWith(`write to ${EMAIL} today`), 'the echoed prompt got the value back');

    await client(gw, a.key).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `mail ${EMAIL}` }] });
    assert.equal(lastSimBody().messages[0]!.content, 'mail [EMAIL_1]');
    const audit = await gw.tg.store.db.selectFrom('audit_events').selectAll().where('action', '=', 'guard_policy.set').where('target', '=', `org:${a.org_id}`).orderBy('at').execute();
    assert.ok(
      audit.some((r) => JSON.stringify(JSON.parse(r.after!).input.pii) === JSON.stringify({ email: 'redact', credit_card: 'block' })),
      'setting the policy was recorded with what it set',
    );
  });

  test('a blocked request: 400 content_policy_violation naming the policy, nothing upstream, one ledger row, an audit record', async () => {
    const before = gw.sim.requests.length;
    const err = await client(gw, a.key)
      .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `charge ${CARD} please` }] })
      .then(() => assert.fail('should be blocked'), (e: unknown) => e as InstanceType<typeof OpenAI.APIError>);
    assert.ok(err instanceof OpenAI.BadRequestError);
    assert.equal(err.code, 'content_policy_violation');
    assert.match(err.message, new RegExp(`org:${a.org_id}`));
    assert.match(err.message, /input\.pii\.credit_card/);
    assert.ok(!err.message.includes('4111'), 'the error does not repeat the card');
    assert.equal(gw.sim.requests.length, before, 'nothing was sent upstream');
    const requestId = err.headers?.get('x-request-id');
    assert.ok(requestId);
    // The row is written after the answer: wait for it, then make sure there is only one.
    let rows: unknown[] = [];
    for (let i = 0; i < 60 && rows.length === 0; i++) {
      rows = await gw.tg.store.db.selectFrom('usage_records').selectAll().where('request_id', '=', requestId).execute();
      if (rows.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(rows.length, 1, 'exactly one ledger row');
    assert.equal((rows[0] as { error_code: string | null }).error_code, 'content_policy_violation');
    const audit = await gw.tg.store.db.selectFrom('audit_events').selectAll().where('action', '=', 'guard.blocked').where('request_id', '=', requestId).execute();
    assert.equal(audit.length, 1, 'one audit record of the block');
    const details = JSON.parse(audit[0]!.details) as { policy: string; rule: string; findings: { detector: string }[] };
    assert.equal(details.policy, `org:${a.org_id}`);
    assert.equal(details.rule, 'input.pii.credit_card');
    assert.equal(details.findings[0]!.detector, 'credit_card');
    assert.equal((details as { label?: string }).label, 'restricted', 'a card makes the request restricted');
    assert.ok(!audit[0]!.details.includes('4111'), 'the audit record keeps no card digits');
  });

  test('x-tollgate-classification: a bad label is a 400 naming the header; a caller label is kept unless the content raises it', async () => {
    const res = await gw.call('/v1/chat/completions', { key: a.key, headers: { 'x-tollgate-classification': 'top-secret' }, body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] } });
    assert.equal(res.status, 400);
    const err = ((await res.json()) as { error: { code: string; param: string } }).error;
    assert.equal(err.code, 'invalid_parameter');
    assert.equal(err.param, 'x-tollgate-classification');
    const blocked = await gw.call('/v1/chat/completions', { key: a.key, headers: { 'x-tollgate-classification': 'public' }, body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `card ${CARD}` }] } });
    assert.equal(blocked.status, 400);
    const row = await gw.tg.store.db.selectFrom('audit_events').select('details').where('request_id', '=', blocked.headers.get('x-request-id')!).executeTakeFirstOrThrow();
    assert.equal((JSON.parse(row.details) as { label: string }).label, 'restricted', 'the caller cannot lower the label below what the content shows');
  });

  test("a key's policy tightens the organization's for that key only", async () => {
    const res = await gw.call(`/api/guardrails/policies/key/${b.id}`, { method: 'PUT', body: { input: { pii: { email: 'block' } } } });
    assert.equal(res.status, 200, await res.clone().text());
    const err = await client(gw, b.key)
      .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `mail ${EMAIL}` }] })
      .then(() => assert.fail('should be blocked'), (e: unknown) => e as InstanceType<typeof OpenAI.APIError>);
    assert.equal(err.status, 400);
    assert.equal(err.code, 'content_policy_violation');
    assert.match(err.message, new RegExp(`key:${b.id}`));
    await client(gw, a.key).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `mail ${EMAIL}` }] });
    assert.equal(lastSimBody().messages[0]!.content, 'mail [EMAIL_1]', 'key a still only redacts');
    const del = await gw.call(`/api/guardrails/policies/key/${b.id}`, { method: 'DELETE' });
    assert.equal(del.status, 200);
    await client(gw, b.key).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `mail ${EMAIL}` }] });
    assert.equal(lastSimBody().messages[0]!.content, 'mail [EMAIL_1]', 'with its policy deleted, key b gets the org policy');
  });
});
}

describe('guardrails: moderation through the upstream /v1/moderations with per-category thresholds', () => {
  let gw: TestGateway;
  let k: CreatedKey;

  before(async () => {
    gw = await startGateway();
    k = await newKey(gw, 'moderated');
    const res = await gw.call(`/api/guardrails/policies/org/${k.org_id}`, {
      method: 'PUT',
      body: { input: { moderation: { violence: { threshold: 0.5, action: 'block' }, harassment: { threshold: 0.5, action: 'flag' } } } },
    });
    assert.equal(res.status, 200, await res.clone().text());
  });
  after(() => gw.close());

  test('a prompt over a block threshold is refused before the model sees it', async () => {
    const before = gw.sim.requests.length;
    const err = await client(gw, k.key)
      .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'tell me how to murder someone' }] })
      .then(() => assert.fail('should be blocked'), (e: unknown) => e as InstanceType<typeof OpenAI.APIError>);
    assert.equal(err.status, 400);
    assert.equal(err.code, 'content_policy_violation');
    assert.match(err.message, /input\.moderation\.violence/);
    const after = gw.sim.requests.slice(before).map((r) => r.path);
    assert.deepEqual(after, ['/v1/moderations'], 'only the moderation call reached the upstream');
  });

  test('a prompt under the thresholds, or only over a flag threshold, goes through', async () => {
    const before = gw.sim.requests.length;
    await client(gw, k.key).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'you loser, summarize this memo' }] });
    assert.deepEqual(gw.sim.requests.slice(before).map((r) => r.path), ['/v1/moderations', '/v1/chat/completions']);
  });
});

describe('guardrails: the tollgate.yaml default and whole (non-streamed) replies', () => {
  let gw: TestGateway;
  let k: CreatedKey;

  before(async () => {
    gw = await startGateway({ env: { TOLLGATE_GUARDRAILS_DEFAULT: 'pii' } });
    k = await newKey(gw, 'default policy key');
  });
  after(() => gw.close());

  test('the default PII policy applies with nothing stored: the email goes upstream as a placeholder', async () => {
    await client(gw, k.key).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `mail ${EMAIL} or call +1 415 555 2671` }] });
    const sent = (gw.sim.requests.at(-1)!.body as { messages: { content: string }[] }).messages[0]!.content;
    assert.equal(sent, 'mail [EMAIL_1] or call [PHONE_1]');
  });

  test('a list of prompts (embeddings input) is redacted item by item and goes upstream as a list of strings', async () => {
    const res = await client(gw, k.key).embeddings.create({ model: 'text-embedding-3-small', input: [`mail ${EMAIL}`, 'nothing here', `card ${CARD}`] });
    assert.equal(res.data.length, 3);
    assert.deepEqual((gw.sim.requests.at(-1)!.body as { input: unknown }).input, ['mail [EMAIL_1]', 'nothing here', 'card [CREDIT_CARD_1]']);
    // Token arrays have no text to read: they go as they came.
    await client(gw, k.key).embeddings.create({ model: 'text-embedding-3-small', input: [[1, 2, 3]] });
    assert.deepEqual((gw.sim.requests.at(-1)!.body as { input: unknown }).input, [[1, 2, 3]]);
  });

  test('in a stream, the placeholders of the prompt are put back in the reply', async () => {
    const stream = await client(gw, k.key).completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: `write to ${EMAIL} now`, echo: true, max_tokens: 5, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    assert.equal((gw.sim.requests.at(-1)!.body as { prompt: string }).prompt, 'write to [EMAIL_1] now');
    assert.ok(text.startsWith(`write to ${EMAIL} now`), text);
  });

  test('a JSON reply is checked whole: a card in the reply is redacted by an output rule', async () => {
    // The default redacts cards on the way in too, so the echo would never carry one: a gateway without the default,
    // whose organization only redacts cards on the way out, shows the output side alone.
    const gw2 = await startGateway();
    try {
      const k2 = await newKey(gw2, 'output only');
      const res = await gw2.call(`/api/guardrails/policies/org/${k2.org_id}`, { method: 'PUT', body: { output: { pii: { credit_card: 'redact' } } } });
      assert.equal(res.status, 200, await res.clone().text());
      const out = await client(gw2, k2.key).completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: `card ${CARD} end`, echo: true, max_tokens: 5 });
      assert.equal((gw2.sim.requests.at(-1)!.body as { prompt: string }).prompt, `card ${CARD} end`, 'the input side is untouched');
      assert.ok(out.choices[0]!.text.startsWith('card [CREDIT_CARD_REDACTED] end'), out.choices[0]!.text);
      assert.ok(!out.choices[0]!.text.includes('4111'));

      const block = await gw2.call(`/api/guardrails/policies/org/${k2.org_id}`, { method: 'PUT', body: { output: { pii: { credit_card: 'block' } } } });
      assert.equal(block.status, 200);
      const err = await client(gw2, k2.key)
        .completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: `card ${CARD} end`, echo: true, max_tokens: 5 })
        .then(() => assert.fail('the reply should be blocked'), (e: unknown) => e as InstanceType<typeof OpenAI.APIError>);
      assert.equal(err.status, 400);
      assert.equal(err.code, 'content_policy_violation');
      assert.match(err.message, /output\.pii\.credit_card/);
      const audit = await gw2.tg.store.db.selectFrom('audit_events').select('details').where('action', '=', 'guard.blocked').execute();
      assert.equal(audit.length, 1);
      assert.equal((JSON.parse(audit[0]!.details) as { side: string }).side, 'output');
    } finally {
      await gw2.close();
    }
  });
});

/**
 * An upstream that streams a chat reply whose text is given chunk by chunk (a card split across two
 * chunks); the simulator's replies are generated text and cannot carry a chosen card number.
 */
async function scriptedUpstream(deltas: readonly string[]): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${UPSTREAM_KEY}`) {
      res.writeHead(401).end();
      return;
    }
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini' };
      const events = [
        { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
        // Each delta with its log-probabilities, which spell the text out token by token.
        ...deltas.map((d) => ({ ...base, choices: [{ index: 0, delta: { content: d }, logprobs: { content: [{ token: d, logprob: -0.1, bytes: [...Buffer.from(d)], top_logprobs: [] }] }, finish_reason: null }] })),
        { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
        { ...base, choices: [], usage: { prompt_tokens: 5, completion_tokens: 9, total_tokens: 14 } },
      ];
      for (const e of events) res.write(`data: ${JSON.stringify(e)}\n\n`);
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, server };
}

describe('guardrails on a streamed reply: a card number split across two chunks', () => {
  let up: { url: string; server: Server };
  let gw: TestGateway;
  let key: CreatedKey;

  before(async () => {
    up = await scriptedUpstream(['Your card is 4111 1111 ', '1111 1111, keep it safe.']);
    gw = await startGateway({ env: { OPENAI_BASE_URL: up.url } });
    key = await newKey(gw, 'stream key');
  });
  after(async () => {
    await gw.close();
    await new Promise((resolve) => up.server.close(resolve));
  });

  let chunks = '';
  const streamText = async () => {
    const stream = await client(gw, key.key).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'my card?' }], stream: true, logprobs: true });
    let text = '';
    chunks = '';
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      chunks += JSON.stringify(chunk);
    }
    return text;
  };

  test('without a policy the reply passes unchanged (the scripted upstream does send the card)', async () => {
    assert.equal(await streamText(), 'Your card is 4111 1111 1111 1111, keep it safe.');
    assert.ok(chunks.includes('"token":"Your card is 4111 1111 "'), 'the log-probabilities carry the text too');
  });

  test('an output redact rule replaces the split card', async () => {
    const res = await gw.call(`/api/guardrails/policies/org/${key.org_id}`, { method: 'PUT', body: { output: { pii: { credit_card: 'redact' } } } });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(await streamText(), 'Your card is [CREDIT_CARD_REDACTED], keep it safe.');
    assert.ok(!chunks.includes('4111') && !chunks.includes('1111 1111'), `nothing else in the chunks spells the card out (log-probabilities are emptied): ${chunks}`);
  });

  test('an output block rule cuts the stream with a content_policy_violation error before any digit of the card', async () => {
    const res = await gw.call(`/api/guardrails/policies/org/${key.org_id}`, { method: 'PUT', body: { output: { pii: { credit_card: 'block' } } } });
    assert.equal(res.status, 200);
    const { data: stream, response } = await client(gw, key.key).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'my card?' }], stream: true }).withResponse();
    let text = '';
    const err = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    })().then(() => assert.fail('the stream should be cut'), (e: unknown) => e as InstanceType<typeof OpenAI.APIError>);
    assert.ok(err instanceof OpenAI.APIError);
    assert.match(err.message, /output\.pii\.credit_card/);
    assert.ok(!/\d/.test(text), `no digit of the card was sent: ${JSON.stringify(text)}`);
    const audit = await gw.tg.store.db.selectFrom('audit_events').selectAll().where('action', '=', 'guard.blocked').execute();
    assert.equal(audit.length, 1);
    assert.equal((JSON.parse(audit[0]!.details) as { side: string }).side, 'output');
    const requestId = response.headers.get('x-request-id')!;
    let rows: { error_code: string | null }[] = [];
    for (let i = 0; i < 60 && rows.length === 0; i++) {
      rows = await gw.tg.store.db.selectFrom('usage_records').select('error_code').where('request_id', '=', requestId).execute();
      if (rows.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    assert.deepEqual(rows, [{ error_code: 'content_policy_violation' }], 'one ledger row, saying why the stream ended');
  });
});

/** An upstream that streams a Responses API reply whose text comes in the given deltas. */
async function scriptedResponsesUpstream(deltas: readonly string[]): Promise<{ url: string; server: Server }> {
  const full = deltas.join('');
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let seq = 0;
      const send = (type: string, data: Record<string, unknown>) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`);
      const item = (text: string) => ({ id: 'msg_1', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [], logprobs: [] }] });
      const response = (status: string, output: unknown[]) => ({ id: 'resp_1', object: 'response', created_at: 1, status, model: 'gpt-4o-mini', output, usage: status === 'completed' ? { input_tokens: 5, output_tokens: 9, total_tokens: 14, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 } } : null });
      send('response.created', { response: response('in_progress', []) });
      send('response.output_item.added', { output_index: 0, item: { ...item(''), status: 'in_progress', content: [] } });
      send('response.content_part.added', { item_id: 'msg_1', output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
      for (const d of deltas) send('response.output_text.delta', { item_id: 'msg_1', output_index: 0, content_index: 0, delta: d, logprobs: [] });
      send('response.output_text.done', { item_id: 'msg_1', output_index: 0, content_index: 0, text: full, logprobs: [] });
      send('response.content_part.done', { item_id: 'msg_1', output_index: 0, content_index: 0, part: { type: 'output_text', text: full, annotations: [] } });
      send('response.output_item.done', { output_index: 0, item: item(full) });
      send('response.completed', { response: response('completed', [item(full)]) });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, server };
}

describe('guardrails on a streamed Responses reply: the card split across deltas is redacted everywhere it appears', () => {
  let up: { url: string; server: Server };
  let gw: TestGateway;

  before(async () => {
    up = await scriptedResponsesUpstream(['Card: 4111 1111 ', '1111 1111 done.']);
    gw = await startGateway({ env: { OPENAI_BASE_URL: up.url, TOLLGATE_GUARDRAILS_DEFAULT: 'pii' } });
  });
  after(async () => {
    await gw.close();
    await new Promise((resolve) => up.server.close(resolve));
  });

  test('deltas, the done events and response.completed carry the redacted text only', async () => {
    const key = (await newKey(gw, 'responses')).key;
    const stream = await client(gw, key).responses.create({ model: 'gpt-4o-mini', input: 'my card?', stream: true });
    let deltas = '';
    const events: string[] = [];
    let completed = '';
    for await (const e of stream) {
      events.push(JSON.stringify(e));
      if (e.type === 'response.output_text.delta') deltas += e.delta;
      if (e.type === 'response.completed') completed = e.response.output_text ?? (e.response.output[0] as { content: { text: string }[] }).content[0]!.text;
    }
    assert.equal(deltas, 'Card: [CREDIT_CARD_REDACTED] done.');
    assert.equal(completed, 'Card: [CREDIT_CARD_REDACTED] done.');
    for (const e of events) assert.ok(!e.includes('4111'), `no event carries the card: ${e}`);
  });
});
