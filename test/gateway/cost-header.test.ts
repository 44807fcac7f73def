import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { startGateway, type TestGateway } from '../support/gateway.ts';

// Issue 9.9: `x-tollgate-cost-usd` was missing on moderations (cost 0 is still a cost) and on every
// stream. Rule: every answer of a priced model says its cost: non-streamed answers in the header,
// streams in an HTTP trailer of the same name (declared with `Trailer`), and always at
// GET /api/usage/{x-request-id}.

/** POSTs JSON with node's http client, which exposes trailers once the body has been read. */
function post(url: string, key: string, body: unknown): Promise<{ status: number; headers: IncomingHttpHeaders; trailers: NodeJS.Dict<string>; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = httpRequest(url, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, trailers: res.trailers, text }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

const messages = [{ role: 'user' as const, content: 'What does a toll gate cost to run?' }];

describe('the cost of every request is told to the caller (issue 9.9)', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway();
  });
  after(() => gw.close());

  const ledgerCost = async (requestId: string) => ((await (await gw.call(`/api/usage/${requestId}`)).json()) as { cost_usd: string | null }).cost_usd;

  test('moderations say their cost, which is 0', async () => {
    const res = await gw.call('/v1/moderations', { body: { input: 'a perfectly nice sentence' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-tollgate-cost-usd'), '0.00');
    assert.equal(await ledgerCost(res.headers.get('x-request-id')!), '0.00');
  });

  const streams: [string, string, Record<string, unknown>][] = [
    ['chat', '/v1/chat/completions', { model: 'gpt-4o-mini', messages, stream: true }],
    ['chat asking for usage itself', '/v1/chat/completions', { model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } }],
    ['responses', '/v1/responses', { model: 'gpt-4o-mini', input: 'What does a toll gate cost to run?', stream: true }],
    ['completions', '/v1/completions', { model: 'gpt-3.5-turbo-instruct', prompt: 'A toll gate costs', stream: true }],
  ];
  for (const [what, path, body] of streams) {
    test(`a ${what} stream declares the cost trailer and sends it, equal to the ledger's`, async () => {
      const res = await post(gw.url + path, gw.adminKey, body);
      assert.equal(res.status, 200);
      assert.match(String(res.headers['content-type']), /text\/event-stream/);
      assert.equal(res.headers['trailer'], 'x-tollgate-cost-usd');
      const cost = res.trailers['x-tollgate-cost-usd'];
      assert.match(cost ?? '', /^\d+\.\d{2,9}$/);
      assert.ok(Number(cost) > 0);
      assert.equal(cost, await ledgerCost(String(res.headers['x-request-id'])));
    });
  }

  test('a non-streamed answer says its cost in the header, equal to the ledger', async () => {
    const res = await gw.call('/v1/chat/completions', { body: { model: 'gpt-4o-mini', messages } });
    const cost = res.headers.get('x-tollgate-cost-usd');
    assert.ok(cost && Number(cost) > 0);
    assert.equal(cost, await ledgerCost(res.headers.get('x-request-id')!));
  });

  test('the official SDK reads streams that carry trailers, chat and responses', async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.adminKey, maxRetries: 0 });
    let text = '';
    for await (const chunk of await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true })) text += chunk.choices[0]?.delta?.content ?? '';
    assert.ok(text.length > 0);
    const types: string[] = [];
    for await (const e of await client.responses.create({ model: 'gpt-4o-mini', input: 'Hello', stream: true })) types.push(e.type);
    assert.equal(types.at(-1), 'response.completed');
    const { data, response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true }).withResponse();
    for await (const _ of data) void _;
    assert.equal(response.headers.get('trailer'), 'x-tollgate-cost-usd');
  });
});
