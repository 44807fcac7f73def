import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { startGateway, type TestGateway } from '../support/gateway.ts';

// Issue 8.15: a bad percent-encoding in a path (`/v1/models/%zz`) answered in Fastify's error shape
// (`{"error":"Bad Request","code":"FST_ERR_BAD_URL",…}`), and no response carried
// `X-Content-Type-Options: nosniff`. Rule: every answer is in OpenAI's error shape, with an
// x-request-id, and every response, whatever produced it, says nosniff.

interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** A GET with a path sent exactly as written (fetch would normalise it). */
function rawGet(url: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = httpRequest({ host: u.hostname, port: u.port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('bad percent-encoding and nosniff (issue 8.15)', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway({ env: { TOLLGATE_BODY_LIMIT_BYTES: '1024' } });
  });
  after(() => gw.close());
  const auth = () => ({ authorization: `Bearer ${gw.adminKey}` });

  test('a bad percent-encoding in a path answers 400 in OpenAI shape, under /v1 and /api, with or without a key', async () => {
    const paths = ['/v1/models/%zz', '/v1/models/%E0%A4%A', '/v1/chat/%zz', '/v1/%', '/api/keys/%zz', '/api/usage/%C0%AF', '/%zz', '/health%zz'];
    for (const path of paths) {
      for (const headers of [auth(), {}]) {
        const res = await rawGet(gw.url, path, headers);
        assert.equal(res.status, 400, `${path}: ${res.body}`);
        const body = JSON.parse(res.body) as ErrorBody;
        assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message', 'param', 'type'], path);
        assert.equal(body.error.type, 'invalid_request_error');
        assert.equal(body.error.code, 'invalid_url');
        assert.match(String(res.headers['content-type']), /application\/json/);
        assert.match(String(res.headers['x-request-id']), /^req_/);
        assert.equal(res.headers['x-content-type-options'], 'nosniff', path);
      }
    }
    assert.equal((await gw.call('/health', { key: null })).status, 200, 'the server is fine');
  });

  test('every kind of response says X-Content-Type-Options: nosniff', async () => {
    const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };
    const cases: [string, () => Promise<Response>, number][] = [
      ['/health', () => gw.call('/health', { key: null }), 200],
      ['/ready', () => gw.call('/ready', { key: null }), 200],
      ['a root 404', () => gw.call('/nope', { key: null }), 404],
      ['a /v1 404', () => gw.call('/v1/nope'), 404],
      ['a /v1 401', () => gw.call('/v1/models', { key: 'tg-not-a-real-key-0123456789' }), 401],
      ['/v1/models', () => gw.call('/v1/models'), 200],
      ['a chat completion', () => gw.call('/v1/chat/completions', { body: chat }), 200],
      ['a stream', () => gw.call('/v1/chat/completions', { body: { ...chat, stream: true } }), 200],
      ['a relayed upstream error', () => (gw.sim.faults.push({ kind: 'status', status: 500 }), gw.call('/v1/chat/completions', { body: chat })), 500],
      ['a 400', () => gw.call('/v1/chat/completions', { body: '{' }), 400],
      ['a 413', () => gw.call('/v1/chat/completions', { body: { ...chat, pad: 'x'.repeat(2000) } }), 413],
      ['a 415', () => gw.call('/v1/chat/completions', { body: 'x', headers: { 'content-type': 'text/plain' } }), 415],
      ['/api/openapi.json', () => gw.call('/api/openapi.json'), 200],
      ['an /api answer', () => gw.call('/api/me'), 200],
      ['an /api 401', () => gw.call('/api/me', { key: null }), 401],
    ];
    for (const [what, send, status] of cases) {
      const res = await send();
      await res.arrayBuffer();
      assert.equal(res.status, status, what);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', what);
    }
  });

  test('answers given before any route (huge headers) say nosniff too', async () => {
    const res = await rawGet(gw.url, '/v1/models', { ...auth(), 'x-big': 'a'.repeat(40 * 1024) });
    assert.equal(res.status, 431);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
  });
});
