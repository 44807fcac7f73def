import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { expectError, type ErrorBody } from '../support/errors.ts';

/** The shared error assertion, plus what every gateway error also carries. */
async function expectGatewayError(res: Response, status: number, code: string, param?: string | null): Promise<ErrorBody> {
  assert.ok(res.headers.get('x-request-id'), 'every error carries x-request-id');
  const body = await expectError(res, status, code, param);
  assert.ok(body.error.message.length > 10, 'a clear message');
  return body;
}

describe('bad input gets an OpenAI-shaped error and the server keeps serving', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway({ env: { TOLLGATE_BODY_LIMIT_BYTES: String(64 * 1024) } });
  });
  after(() => gw.close());

  const chat = (body: unknown, headers?: Record<string, string>) =>
    gw.call('/v1/chat/completions', { body, ...(headers ? { headers } : {}) });

  test('malformed JSON → 400 invalid_json', async () => {
    const body = await expectGatewayError(await chat('{"model": "gpt-4o", "messages": ['), 400, 'invalid_json');
    assert.match(body.error.message, /parse the JSON/);
  });

  test('empty body → 400 empty_body', async () => {
    await expectGatewayError(await chat(''), 400, 'empty_body');
    await expectGatewayError(await gw.call('/v1/chat/completions', { method: 'POST' }), 400, 'empty_body');
  });

  test('a JSON value that is not an object → 400', async () => {
    await expectGatewayError(await chat('[1,2]'), 400, 'invalid_body');
    await expectGatewayError(await chat('"hello"'), 400, 'invalid_body');
  });

  test('missing model → 400 naming model', async () => {
    const b = await expectGatewayError(await chat({ messages: [{ role: 'user', content: 'hi' }] }), 400, 'missing_required_parameter', 'model');
    assert.match(b.error.message, /'model'/);
  });

  test('wrong-typed model → 400 naming model', async () => {
    const b = await expectGatewayError(await chat({ model: 42, messages: [{ role: 'user', content: 'hi' }] }), 400, 'invalid_type', 'model');
    assert.match(b.error.message, /got a number/);
  });

  test('missing, wrong-typed or empty messages → 400 naming messages', async () => {
    await expectGatewayError(await chat({ model: 'gpt-4o' }), 400, 'missing_required_parameter', 'messages');
    await expectGatewayError(await chat({ model: 'gpt-4o', messages: 'hello' }), 400, 'invalid_type', 'messages');
    await expectGatewayError(await chat({ model: 'gpt-4o', messages: [] }), 400, 'empty_array', 'messages');
    await expectGatewayError(await chat({ model: 'gpt-4o', messages: [{ content: 'no role' }] }), 400, 'missing_required_parameter', 'messages[0].role');
  });

  test('wrong-typed stream → 400 naming stream', async () => {
    await expectGatewayError(await chat({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], stream: 'yes' }), 400, 'invalid_type', 'stream');
  });

  test('missing or wrong-typed input on embeddings, moderations and responses', async () => {
    await expectGatewayError(await gw.call('/v1/embeddings', { body: { model: 'text-embedding-3-small' } }), 400, 'missing_required_parameter', 'input');
    await expectGatewayError(await gw.call('/v1/embeddings', { body: { model: 'text-embedding-3-small', input: { text: 'x' } } }), 400, 'invalid_type', 'input');
    await expectGatewayError(await gw.call('/v1/embeddings', { body: { model: 'text-embedding-3-small', input: [] } }), 400, 'invalid_type', 'input');
    await expectGatewayError(await gw.call('/v1/moderations', { body: {} }), 400, 'missing_required_parameter', 'input');
    await expectGatewayError(await gw.call('/v1/responses', { body: { model: 'gpt-4o', input: 7 } }), 400, 'invalid_type', 'input');
    await expectGatewayError(await gw.call('/v1/completions', { body: { model: 'gpt-3.5-turbo-instruct' } }), 400, 'missing_required_parameter', 'prompt');
  });

  test('unknown content type → 415', async () => {
    await expectGatewayError(await chat('model=gpt-4o', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type');
    await expectGatewayError(await chat('hello', { 'content-type': 'text/plain' }), 415, 'unsupported_media_type');
  });

  test('body over the configured limit → 413', async () => {
    const big = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x'.repeat(70 * 1024) }] });
    await expectGatewayError(await chat(big), 413, 'request_too_large');
  });

  test('non-UTF-8 body → 400 invalid_encoding', async () => {
    const bytes = Buffer.concat([Buffer.from('{"model":"gpt-4o","messages":[{"role":"user","content":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}]}')]);
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.adminKey}`, 'content-type': 'application/json' },
      body: bytes,
    });
    await expectGatewayError(res, 400, 'invalid_encoding');
  });

  test('a huge header → 431 in OpenAI shape; the connection is closed, the server lives on', async () => {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${gw.adminKey}`, 'x-big': 'a'.repeat(40 * 1024) } }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 431);
    assert.equal((JSON.parse(body) as ErrorBody).error.code, 'request_headers_too_large');
  });

  test('unknown /v1 path → 404 in OpenAI shape', async () => {
    const b = await expectGatewayError(await gw.call('/v1/does-not-exist', { body: {} }), 404, 'unknown_url');
    assert.match(b.error.message, /POST \/v1\/does-not-exist/);
    await expectGatewayError(await gw.call('/v1/chat/completions'), 404, 'unknown_url');
  });

  test('after all of the above, a good request still succeeds', async () => {
    const res = await chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'still there?' }] });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { choices: { message: { content: string } }[] };
    assert.ok(body.choices[0]!.message.content.length > 0);
  });

  test('bad requests reach the ledger but not the upstream', async () => {
    const before = gw.sim.requests.length;
    await chat({ model: 'gpt-4o' });
    assert.equal(gw.sim.requests.length, before, 'an invalid body is not forwarded');
    const usage = (await (await gw.call('/api/usage?limit=1000')).json()) as { data: { status: number; error_code: string | null }[] };
    assert.ok(usage.data.some((r) => r.status === 400 && r.error_code === 'missing_required_parameter'));
    assert.ok(usage.data.some((r) => r.status === 413 && r.error_code === 'request_too_large'));
  });
});
