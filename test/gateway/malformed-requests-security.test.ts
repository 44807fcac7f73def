import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { openRaw, sleep, within } from '../support/raw-http.ts';

// Issue 8, "tests that must exist": a malformed-request suite. Whatever arrives (methods, paths,
// headers, content types, encodings, truncated, huge or deep JSON, wrong types per field, slow
// bodies), every answer is a 2xx or a 4xx in OpenAI's error shape, never a 5xx and never a hang
// past the timeouts; memory stays bounded and /health answers after each case.

const REQUEST_TIMEOUT_MS = 2000;
const HEADERS_TIMEOUT_MS = 1000;
const BODY_LIMIT = 256 * 1024;
/** The longest any case may take: the request timeout and the server's checking period, with room. */
const DEADLINE_MS = REQUEST_TIMEOUT_MS + 3000;

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

interface Answer {
  status: number;
  head: string;
  body: string;
}

/** A case: the bytes to send (a list of parts is sent with `gapMs` between parts). */
interface Case {
  name: string;
  parts: (string | Buffer)[];
  gapMs?: number;
}

function parseAnswer(raw: Buffer): Answer | undefined {
  const text = raw.toString('latin1');
  let start = 0;
  let end = text.indexOf('\r\n\r\n');
  // Skip interim answers (100 Continue).
  while (/^HTTP\/1\.\d 1\d\d/.test(text.slice(start)) && end !== -1) {
    start = end + 4;
    end = text.indexOf('\r\n\r\n', start);
  }
  if (!text.startsWith('HTTP/1.', start) || end === -1) return undefined;
  const head = text.slice(start, end);
  const status = Number(head.slice(9, 12));
  let body = raw.subarray(end + 4);
  if (/\r\ntransfer-encoding: chunked/i.test(head)) body = dechunk(body);
  return { status, head, body: body.toString('utf8') };
}

function dechunk(buf: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  while (at < buf.length) {
    const lineEnd = buf.indexOf('\r\n', at);
    if (lineEnd === -1) break;
    const size = parseInt(buf.subarray(at, lineEnd).toString('latin1'), 16);
    if (!(size > 0)) break;
    out.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(out);
}

describe('malformed requests: never a 5xx, never a hang, memory bounded, /health after each (issue 8)', () => {
  let gw: TestGateway;
  let key: string;
  const seen = new Map<number, number>();

  before(async () => {
    gw = await startGateway({
      env: {
        TOLLGATE_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
        TOLLGATE_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
        TOLLGATE_BODY_LIMIT_BYTES: String(BODY_LIMIT),
        TOLLGATE_LOG_LEVEL: 'warn',
      },
    });
    const k = (await (await gw.call('/api/keys', { body: { name: 'fuzz', kind: 'service', team_id: gw.tg.home.defaultTeam.id, role: 'member' } })).json()) as { id: string; key: string };
    key = k.key;
    // A budget, so admission (token estimates, worst-case prices, reservations) runs on every request.
    assert.equal((await gw.call('/api/budgets', { body: { scope: 'key', scope_id: k.id, period: 'monthly', limit_usd: '1000' } })).status, 201);
  });
  after(() => gw.close());

  /** Sends a case on a fresh connection and reads until the server closes it (or the deadline). */
  async function exchange(c: Case): Promise<{ answer: Answer | undefined; ms: number }> {
    const conn = await openRaw(gw.url);
    const chunks: Buffer[] = [];
    conn.socket.removeAllListeners('data');
    conn.socket.setEncoding('latin1');
    conn.socket.on('data', (d: string) => chunks.push(Buffer.from(d, 'latin1')));
    const started = performance.now();
    for (let i = 0; i < c.parts.length; i++) {
      if (i > 0 && c.gapMs) await sleep(c.gapMs);
      if (conn.socket.destroyed) break;
      conn.socket.write(c.parts[i]!);
    }
    await within(conn.closed, DEADLINE_MS, `${c.name}: the connection was neither answered and closed nor cut`);
    return { answer: parseAnswer(Buffer.concat(chunks)), ms: performance.now() - started };
  }

  async function check(c: Case): Promise<void> {
    const { answer, ms } = await exchange(c);
    assert.ok(ms < DEADLINE_MS, `${c.name}: took ${Math.round(ms)} ms`);
    if (answer) {
      seen.set(answer.status, (seen.get(answer.status) ?? 0) + 1);
      assert.ok(answer.status < 500, `${c.name}: ${answer.status} ${answer.body.slice(0, 300)}`);
      assert.ok(answer.status >= 200, `${c.name}: status ${answer.status}`);
      if (answer.status >= 400 && !/^HEAD /.test(String(c.parts[0]))) {
        assert.match(answer.head, /\r\ncontent-type: application\/json/i, `${c.name}: JSON error`);
        const body = JSON.parse(answer.body) as { error?: Record<string, unknown> };
        assert.ok(body.error, `${c.name}: an error object`);
        assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message', 'param', 'type'], c.name);
        assert.equal(typeof body.error.message, 'string');
        assert.equal(typeof body.error.type, 'string');
      }
    } else {
      // Closed without an answer: only acceptable for bytes that are not HTTP at all.
      assert.ok(/^(TLS|garbage|HTTP\/2)/.test(c.name), `${c.name}: closed without an answer`);
      seen.set(0, (seen.get(0) ?? 0) + 1);
    }
    const health = await gw.call('/health', { key: null });
    assert.equal(health.status, 200, `${c.name}: /health answers after it`);
    await health.arrayBuffer();
  }

  // ---- the table -------------------------------------------------------------------------------

  const auth = () => `Authorization: Bearer ${key}\r\n`;
  /** A request with Host, Connection: close, the key, a JSON content type and a correct length unless overridden. */
  const req = (method: string, path: string, body?: string | Buffer, extra = '', opts: { noAuth?: boolean; contentType?: string | null; length?: number | null } = {}): string | Buffer => {
    const b = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
    let head = `${method} ${path} HTTP/1.1\r\nHost: tollgate\r\nConnection: close\r\n${opts.noAuth ? '' : auth()}`;
    const ct = opts.contentType === undefined ? (b ? 'application/json' : null) : opts.contentType;
    if (ct !== null) head += `Content-Type: ${ct}\r\n`;
    const len = opts.length === undefined ? b?.length : opts.length;
    if (len !== undefined && len !== null) head += `Content-Length: ${len}\r\n`;
    head += `${extra}\r\n`;
    return b ? Buffer.concat([Buffer.from(head, 'latin1'), b]) : head;
  };
  const chat = (body: unknown, extra = '') => req('POST', '/v1/chat/completions', typeof body === 'string' ? body : JSON.stringify(body), extra);
  const msgs = [{ role: 'user', content: 'hi' }];
  const deep = (n: number, open: string, close: string, inner = '1') => open.repeat(n) + inner + close.repeat(n);

  /** The table: built once the suite's key exists. */
  function buildCases(): Case[] {
    const cases: Case[] = [];
    const add = (name: string, ...parts: (string | Buffer)[]) => cases.push({ name, parts });

    // Methods on every kind of route.
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND', 'FOO', 'get']) {
      for (const path of ['/v1/chat/completions', '/v1/models', '/api/keys', '/health']) add(`${method} ${path}`, req(method, path));
    }
    add('CONNECT', 'CONNECT tollgate:443 HTTP/1.1\r\nHost: tollgate:443\r\n\r\n');
    // Paths.
    for (const path of ['/v1/models/%zz', '/v1//chat/completions', '/v1/chat/completions/', '/v1/../api/keys', `/v1/models/${'a'.repeat(5000)}`, '/%00', '/v1/models/%00',
      '/v1/models/%E2%80%AE', '/v1/chat/completions?stream=true&&&=&', `/v1/models?${'q='.repeat(3000)}`, '/v1/models/%C0%AF', '*', 'http://evil.example/v1/models', '/v1/models#frag', '/v1/models/..%2F..%2Fapi%2Fkeys']) {
      add(`GET ${path.slice(0, 40)}`, req('GET', path));
    }
    add('raw non-UTF-8 bytes in the path', Buffer.concat([Buffer.from('GET /v1/models/'), Buffer.from([0xff, 0xfe, 0x80]), Buffer.from(` HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${auth()}\r\n`)]));
    // Framing and headers.
    add('no Host header', `GET /v1/models HTTP/1.1\r\nConnection: close\r\n${auth()}\r\n`);
    add('HTTP/1.0', `GET /v1/models HTTP/1.0\r\n${auth()}\r\n`);
    add('HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    add('TLS client hello', Buffer.from('16030100a5010000a10303', 'hex'));
    add('garbage', Buffer.from([0, 1, 2, 3, 255, 254, 13, 10, 13, 10]));
    add('two different Content-Lengths', `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${auth()}Content-Type: application/json\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n{}{}{}{`);
    add('Content-Length and Transfer-Encoding', `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${auth()}Content-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`);
    add('broken chunked encoding', `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${auth()}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`);
    add('valid chunked body', `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${auth()}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${(() => { const b = JSON.stringify({ model: 'gpt-4o-mini', messages: msgs }); return `${b.length.toString(16)}\r\n${b}\r\n0\r\n\r\n`; })()}`);
    add('Transfer-Encoding: gzip', `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${auth()}Content-Type: application/json\r\nTransfer-Encoding: gzip\r\n\r\nxx`);
    add('negative Content-Length', req('POST', '/v1/chat/completions', '{}', '', { length: -1 }));
    add('Content-Length: abc', `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${auth()}Content-Type: application/json\r\nContent-Length: abc\r\n\r\n{}`);
    add('Content-Length over the limit, no body sent', req('POST', '/v1/chat/completions', undefined, '', { contentType: 'application/json', length: BODY_LIMIT * 100 }));
    add('body over the limit', chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x'.repeat(BODY_LIMIT + 10) }] }));
    add('Content-Encoding: gzip on a plain body', chat({ model: 'gpt-4o-mini', messages: msgs }, 'Content-Encoding: gzip\r\n'));
    add('Expect: 100-continue', chat({ model: 'gpt-4o-mini', messages: msgs }, 'Expect: 100-continue\r\n'));
    add('Expect: teapot', chat({ model: 'gpt-4o-mini', messages: msgs }, 'Expect: teapot\r\n'));
    add('Upgrade: websocket', req('GET', '/v1/models', undefined, 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: x\r\nSec-WebSocket-Version: 13\r\n'));
    add('header with obs-fold', req('GET', '/v1/models', undefined, 'X-Folded: a\r\n b\r\n'));
    add('header name with a space', req('GET', '/v1/models', undefined, 'Bad Header: x\r\n'));
    add('header value with a NUL', req('GET', '/v1/models', undefined, 'X-Nul: a\u0000b\r\n'));
    add('2,000 headers', req('GET', '/v1/models', undefined, Array.from({ length: 2000 }, (_, i) => `X-H${i}: v\r\n`).join('')));
    add('one 40 KB header', req('GET', '/v1/models', undefined, `X-Big: ${'a'.repeat(40 * 1024)}\r\n`));
    // Authorization.
    for (const [name, value] of [['empty Bearer', 'Bearer'], ['Basic', 'Basic dXNlcjpwYXNz'], ['lower-case scheme', `bearer ${key}`], ['10 KB token', `Bearer tg-${'x'.repeat(10_000)}`], ['unicode token', 'Bearer tg-ключ'], ['sk- key', 'Bearer sk-proj-abc']] as const) {
      add(`Authorization: ${name}`, `GET /v1/models HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: ${value}\r\n\r\n`);
    }
    add('two Authorization headers', `GET /v1/models HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${auth()}Authorization: Bearer tg-other-0123456789abcdef\r\n\r\n`);
    add('session cookie on /v1', req('GET', '/v1/models', undefined, 'Cookie: tg_session=abc\r\n', { noAuth: true }));
    add('CSRF-less cookie write on /api', req('POST', '/api/keys', '{"name":"x"}', 'Cookie: tg_session=abc\r\n', { noAuth: true }));
    // Content types.
    for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/JSON', 'application/json-patch+json', 'application/json;;;', '*/*', 'application/xml']) {
      add(`Content-Type: ${ct}`, req('POST', '/v1/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages: msgs }), '', { contentType: ct }));
    }
    add('no Content-Type with a body', req('POST', '/v1/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages: msgs }), '', { contentType: null }));
    // Encodings.
    add('invalid UTF-8 in the body', req('POST', '/v1/chat/completions', Buffer.concat([Buffer.from('{"model":"gpt-4o-mini","messages":[{"role":"user","content":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}]}')])));
    add('overlong UTF-8', req('POST', '/v1/chat/completions', Buffer.concat([Buffer.from('{"model":"gpt-4o-mini","messages":[{"role":"user","content":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}]}')])));
    add('UTF-8 BOM', chat(`\ufeff${JSON.stringify({ model: 'gpt-4o-mini', messages: msgs })}`));
    add('UTF-16 body', req('POST', '/v1/chat/completions', Buffer.from(JSON.stringify({ model: 'gpt-4o-mini', messages: msgs }), 'utf16le')));
    add('lone surrogate escape in content', chat('{"model":"gpt-4o-mini","messages":[{"role":"user","content":"\\ud800 and \\udfff"}]}'));
    add('lone surrogate escape in the model', chat('{"model":"gpt-\\ud800","messages":[{"role":"user","content":"x"}]}'));
    add('NUL escapes in content', chat('{"model":"gpt-4o-mini","messages":[{"role":"user","content":"a\\u0000b"}]}'));
    // Truncated, odd and huge JSON.
    for (const text of ['{', '[', '{"model":', '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}', 'null', '1', '"x"', 'true', '[]', '{}', '{"model":"gpt-4o-mini","messages":[]}', '{"a":1}garbage', ' ', '\u0000', '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}{"again":1}', '{"__proto__":{"x":1},"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}', '{"constructor":{"prototype":{"x":1}},"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}']) {
      add(`JSON ${JSON.stringify(text.slice(0, 30))}`, chat(text));
    }
    add('10,000 nested arrays', chat(`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"x":${deep(10_000, '[', ']')}}`));
    add('10,000 nested objects, streamed', chat(`{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}],"x":${deep(10_000, '{"a":', '}')}}`));
    add('nested arrays as content', chat(`{"model":"gpt-4o-mini","messages":[{"role":"user","content":${deep(5000, '[', ']', '{"type":"text","text":"x"}')}}]}`));
    add('deep tool parameters', chat(`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":${deep(5000, '{"properties":{"p":', '}}', '{}')}}}]}`));
    add('a number with 10,000 digits', chat(`{"model":"gpt-4o-mini","max_tokens":${'9'.repeat(10_000)},"messages":[{"role":"user","content":"hi"}]}`));
    add('max_tokens 1e400 (Infinity)', chat('{"model":"gpt-4o-mini","max_tokens":1e400,"messages":[{"role":"user","content":"hi"}]}'));
    add('100,000 keys', chat(`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"metadata":{${Array.from({ length: 12_000 }, (_, i) => `"k${i}":1`).join(',')}}}`));
    add('2,000 messages', chat({ model: 'gpt-4o-mini', messages: Array.from({ length: 2000 }, () => ({ role: 'user', content: 'hi' })) }));
    add('a 200 KB string', chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'word '.repeat(40_000) }] }));
    add('duplicate key', chat('{"model":"gpt-4o-mini","model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}'));
    // Wrong types, field by field.
    const wrong: unknown[] = [null, 0, -1, 1.5, 1e308, '', 'x', true, [], [null], {}, { a: 1 }];
    for (const model of wrong) add(`chat model=${JSON.stringify(model)}`, chat({ model, messages: msgs }));
    for (const messages of [null, 'hi', 5, {}, [null], [1], ['hi'], [{}], [{ role: 1 }], [{ role: 'user', content: {} }], [{ role: 'user', content: [{}] }], [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,!!!' } }] }], [{ role: 'user', content: [{ type: 'image_url', image_url: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB' }] }], [{ role: 'tool', content: 'x', tool_call_id: 5 }], [{ role: 'assistant', tool_calls: 'x' }], [{ role: 'assistant', tool_calls: [{ function: { arguments: 5 } }] }]]) {
      add(`chat messages=${JSON.stringify(messages).slice(0, 60)}`, chat({ model: 'gpt-4o-mini', messages }));
    }
    for (const [field, values] of [
      ['stream', ['true', 1, {}]],
      ['stream_options', ['x', [], { include_usage: 'yes' }, null]],
      ['max_tokens', [-1, '10', 1.5, 0, 2 ** 53]],
      ['max_completion_tokens', [-5, 'lots', 1e15]],
      ['n', [-1, 0, 1e9, '2']],
      ['temperature', ['hot', -100, {}]],
      ['tools', ['x', [{}], [{ type: 'function', function: { parameters: 'x' } }], [{ type: 'function', function: 5 }]]],
      ['functions', [7, [{ name: {} }]]],
      ['response_format', ['json', { type: 5 }]],
      ['logit_bias', [[], { a: 'b' }]],
      ['service_tier', [5, 'ultra']],
    ] as const) {
      for (const v of values) add(`chat ${field}=${JSON.stringify(v)}`, chat({ model: 'gpt-4o-mini', messages: msgs, [field]: v }));
    }
    for (const [path, bodies] of [
      ['/v1/embeddings', [{ model: 'text-embedding-3-small', input: [[]] }, { model: 'text-embedding-3-small', input: [['a']] }, { model: 'text-embedding-3-small', input: [1.5] }, { model: 'text-embedding-3-small', input: [[-1, 1e10]] }, { model: 'text-embedding-3-small', input: null }, { model: 'text-embedding-3-small', input: 'x', dimensions: 'big' }]],
      ['/v1/completions', [{ model: 'gpt-3.5-turbo-instruct', prompt: [[]] }, { model: 'gpt-3.5-turbo-instruct', prompt: [{}] }, { model: 'gpt-3.5-turbo-instruct', prompt: 'x', best_of: 1e9 }, { model: 'gpt-3.5-turbo-instruct', prompt: 'x', stream: true, stream_options: { include_usage: 1 } }]],
      ['/v1/responses', [{ model: 'gpt-4o-mini', input: [{}] }, { model: 'gpt-4o-mini', input: [5] }, { model: 'gpt-4o-mini', input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'data:,' }] }] }, { model: 'gpt-4o-mini', input: 'x', max_output_tokens: -1 }, { model: 'gpt-4o-mini', instructions: {}, input: 'x' }, { model: 'gpt-4o-mini', input: 'x', stream: true, tools: 'x' }]],
      ['/v1/moderations', [{ input: [] }, { input: [{}] }, { input: 5 }, { model: 5, input: 'x' }, { input: [{ type: 'image_url', image_url: {} }] }]],
    ] as const) {
      for (const b of bodies) add(`${path} ${JSON.stringify(b).slice(0, 70)}`, req('POST', path, JSON.stringify(b)));
    }
    // Admin API bodies.
    for (const [method, path, body] of [
      ['POST', '/api/keys', '{"name":5}'],
      ['POST', '/api/keys', '{"name":"x","allowed_models":"all"}'],
      ['POST', '/api/budgets', '{"scope":"key","scope_id":{},"period":"daily","limit_usd":"1"}'],
      ['POST', '/api/budgets', '{"scope":"key","scope_id":"x","period":"daily","limit_usd":1e400}'],
      ['PUT', '/api/prices/gpt-4o', '{"input":"1e3","output":"1"}'],
      ['PATCH', '/api/orgs/%zz', '{}'],
      ['POST', '/api/auth/sign-in', '{"email":[],"password":{}}'],
      ['POST', '/api/auth/sign-in', `{"email":"a@b.c","password":"${'p'.repeat(100_000)}"}`],
      ['GET', `/api/usage?from=${'9'.repeat(400)}`, undefined],
      ['GET', '/api/usage?limit=-1&limit=2', undefined],
    ] as const) {
      add(`${method} ${path.slice(0, 40)} ${String(body).slice(0, 40)}`, req(method, path, body));
    }

    return cases;
  }

  test('every case of a table of at least 100: 2xx or 4xx in OpenAI shape, in time, /health after each, memory bounded', async (t) => {
    const cases = buildCases();
    t.diagnostic(`${cases.length} cases`);
    assert.ok(cases.length >= 100);
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    // Every case runs, so one report lists every case that misbehaves.
    const failures: string[] = [];
    for (const c of cases) await check(c).catch((err: unknown) => failures.push((err as Error).message.split('\n')[0]!));
    assert.deepEqual(failures, [], `${failures.length} of ${cases.length} cases misbehaved`);
    gc();
    const grown = process.memoryUsage().heapUsed - heapBefore;
    assert.ok(grown < 48 * 1024 * 1024, `heap grew by ${Math.round(grown / 1024 / 1024)} MB over ${cases.length} cases`);
    t.diagnostic(`answers by status: ${JSON.stringify(Object.fromEntries([...seen].sort((a, b) => a[0] - b[0])))}`);
    assert.ok((seen.get(400) ?? 0) > 30 && (seen.get(200) ?? 0) > 5, `a spread of answers: ${JSON.stringify([...seen])}`);
  });

  test('slow but in time: headers and a body trickled over a second are served', async () => {
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages: msgs });
    const head = `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${auth()}Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const parts = [head.slice(0, 20), head.slice(20, 60), head.slice(60), ...Array.from({ length: 8 }, (_, i) => body.slice((i * body.length) / 8, ((i + 1) * body.length) / 8))];
    const { answer, ms } = await exchange({ name: 'slow', parts, gapMs: 120 });
    assert.equal(answer?.status, 200, answer?.body);
    assert.ok(ms > 1000);
  });

  test('slower than the limits: cut with 408 in OpenAI shape, in time', async () => {
    await check({ name: 'slow headers', parts: ['GET /v1/models HTTP/1.1\r\n', 'Host: x\r\n', 'X-A: b\r\n', 'X-C: d\r\n'], gapMs: 600 });
    await check({ name: 'slow body', parts: [req('POST', '/v1/chat/completions', undefined, '', { contentType: 'application/json', length: 100 }), '{"model":', '"gpt-4o-mini",', '"messages":', '[{"role":'], gapMs: 700 });
    assert.ok((seen.get(408) ?? 0) >= 2, JSON.stringify([...seen]));
  });

  test('property: any JSON value in any field of any endpoint gets a 2xx or an OpenAI-shaped 4xx', async () => {
    const endpoint = fc.constantFrom('/v1/chat/completions', '/v1/responses', '/v1/completions', '/v1/embeddings', '/v1/moderations');
    const field = fc.constantFrom('model', 'messages', 'input', 'prompt', 'stream', 'stream_options', 'max_tokens', 'max_output_tokens', 'n', 'tools', 'instructions', 'metadata');
    const base: Record<string, Record<string, unknown>> = {
      '/v1/chat/completions': { model: 'gpt-4o-mini', messages: msgs },
      '/v1/responses': { model: 'gpt-4o-mini', input: 'hi' },
      '/v1/completions': { model: 'gpt-3.5-turbo-instruct', prompt: 'hi' },
      '/v1/embeddings': { model: 'text-embedding-3-small', input: 'hi' },
      '/v1/moderations': { input: 'hi' },
    };
    await fc.assert(
      fc.asyncProperty(endpoint, fc.dictionary(field, fc.jsonValue({ maxDepth: 4 }), { maxKeys: 3 }), async (path, changes) => {
        const res = await gw.call(path, { key, body: { ...base[path], ...changes } });
        const text = await res.text();
        assert.ok(res.status < 500 && res.status >= 200, `${path} ${JSON.stringify(changes).slice(0, 200)} → ${res.status} ${text.slice(0, 200)}`);
        if (res.status >= 400) {
          const err = (JSON.parse(text) as { error: Record<string, unknown> }).error;
          assert.deepEqual(Object.keys(err).sort(), ['code', 'message', 'param', 'type']);
        }
      }),
      { numRuns: 150 },
    );
    assert.equal((await gw.call('/health', { key: null })).status, 200);
  });
});
