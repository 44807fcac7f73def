import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { openRaw, sleep, statusOf, within, type RawConnection } from '../support/raw-http.ts';
import { parseSse } from '../support/sse.ts';

// Issue 8.5: Fastify's request and connection timeouts were 0. 500 unauthenticated sockets that sent
// a content-length and never finished the body stayed open for ever (open files 36 → 536).
// Rule: a request must arrive whole (headers and body) within TOLLGATE_REQUEST_TIMEOUT_MS, its
// headers within TOLLGATE_HEADERS_TIMEOUT_MS; an idle keep-alive connection closes after
// TOLLGATE_KEEP_ALIVE_TIMEOUT_MS; one client address holds at most
// TOLLGATE_MAX_CONNECTIONS_PER_ADDRESS connections. None of these limits the time to answer: a long
// streamed answer runs as long as the upstream keeps sending.

const REQUEST_TIMEOUT_MS = 1500;
const HEADERS_TIMEOUT_MS = 1000;
const KEEP_ALIVE_TIMEOUT_MS = 1000;
const CAP = 40;
/** How late past a limit a connection may be cut (the server checks connections periodically). */
const SLACK_MS = 1200;

describe('request, header and keep-alive timeouts and the per-address connection cap (issue 8.5)', () => {
  let gw: TestGateway;
  let key: string;

  before(async () => {
    gw = await startGateway({
      env: {
        TOLLGATE_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
        TOLLGATE_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
        TOLLGATE_KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_TIMEOUT_MS),
        TOLLGATE_MAX_CONNECTIONS_PER_ADDRESS: String(CAP),
        TOLLGATE_LOG_LEVEL: 'warn',
      },
    });
    key = await gw.createKey({ kind: 'service', team_id: gw.tg.home.defaultTeam.id, role: 'member' });
  });
  after(() => gw.close());

  const openConnections = () => new Promise<number>((resolve, reject) => gw.tg.app.server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
  const served = async () => {
    const started = performance.now();
    const res = await gw.call('/v1/chat/completions', { key, body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'still serving?' }] } });
    assert.equal(res.status, 200, await res.clone().text());
    await res.text();
    return performance.now() - started;
  };

  test('sockets that send a content-length and never finish the body are cut within the request timeout, while other clients are served', async () => {
    const baseline = await openConnections();
    const attackers: { conn: RawConnection; opened: number }[] = [];
    // Authenticated and not: both wait for a body that never comes. Spread over addresses under the cap.
    for (let i = 0; i < 120; i++) {
      const conn = await openRaw(gw.url, `127.0.0.${2 + (i % 3)}`);
      const auth = i % 2 === 0 ? `Authorization: Bearer ${key}\r\n` : '';
      conn.socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: tollgate\r\n${auth}Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"model":"gpt-4o-mini","mess`);
      attackers.push({ conn, opened: performance.now() });
    }
    // Meanwhile a good client is served promptly, several times.
    for (let i = 0; i < 5; i++) assert.ok((await served()) < 3000, 'a good request is answered promptly during the attack');

    const closedAt = await within(Promise.all(attackers.map((a) => a.conn.closed)), REQUEST_TIMEOUT_MS + 10_000, 'unfinished bodies cut');
    attackers.forEach((a, i) => {
      const lived = closedAt[i]! - a.opened;
      assert.ok(lived <= REQUEST_TIMEOUT_MS + SLACK_MS, `connection ${i} was cut after ${Math.round(lived)} ms`);
    });
    const waiting = attackers.filter((_, i) => i % 2 === 0).map((a) => a.conn.received());
    assert.ok(waiting.some((t) => statusOf(t) === 408), 'a client still sending its body is told 408');
    const timedOut = waiting.find((t) => statusOf(t) === 408)!;
    assert.match(timedOut, /x-content-type-options: nosniff/i);
    const body = JSON.parse(timedOut.slice(timedOut.indexOf('\r\n\r\n') + 4)) as { error: { code: string; type: string } };
    assert.equal(body.error.code, 'request_timeout');
    await sleep(100);
    assert.ok((await openConnections()) <= baseline + 1, 'the connections are gone');
    const rows = (await (await gw.call('/api/usage?limit=1000')).json()) as { data: { status: number; error_code: string | null }[] };
    assert.equal(rows.data.filter((r) => r.status === 408 && r.error_code === 'request_timeout').length, 60, 'each cut request is in the ledger as a 408');
  });

  test('a connection that sends nothing, or headers that never end, is cut within the headers timeout', async () => {
    const silent = await Promise.all(Array.from({ length: 10 }, () => openRaw(gw.url, '127.0.0.5')));
    const partial = await Promise.all(Array.from({ length: 10 }, () => openRaw(gw.url, '127.0.0.5')));
    const opened = performance.now();
    for (const c of partial) c.socket.write('GET /health HTTP/1.1\r\nHost: tollgate\r\nX-Slow: ');
    const times = await within(Promise.all([...silent, ...partial].map((c) => c.closed)), HEADERS_TIMEOUT_MS + 10_000, 'silent connections cut');
    for (const t of times) assert.ok(t - opened <= HEADERS_TIMEOUT_MS + SLACK_MS, `cut after ${Math.round(t - opened)} ms`);
  });

  test('connections over the per-address cap are refused at once; other addresses are served', async () => {
    const held = await Promise.all(Array.from({ length: CAP }, () => openRaw(gw.url, '127.0.0.6')));
    for (const c of held) c.socket.write('GET /health HTTP/1.1\r\nHost: tollgate\r\n');
    const extra = await Promise.all(Array.from({ length: 5 }, () => openRaw(gw.url, '127.0.0.6')));
    const opened = performance.now();
    const refusedAt = await within(Promise.all(extra.map((c) => c.closed)), 5_000, 'connections over the cap refused');
    for (const t of refusedAt) assert.ok(t - opened < 500, `refused after ${Math.round(t - opened)} ms`);
    const answer = extra.map((c) => c.received()).find((t) => t.length > 0);
    if (answer) {
      assert.equal(statusOf(answer), 429);
      assert.match(answer, /"code":"too_many_connections"/);
    }
    // Another address is not affected.
    assert.ok((await served()) < 3000);
    for (const c of held) c.socket.destroy();
    await Promise.all(held.map((c) => c.closed));
    // Once the server has seen them close, the address may connect again.
    let status: number | undefined;
    for (let i = 0; i < 20 && status !== 200; i++, await sleep(50)) {
      const again = await openRaw(gw.url, '127.0.0.6');
      again.socket.write('GET /health HTTP/1.1\r\nHost: tollgate\r\nConnection: close\r\n\r\n');
      await again.closed;
      status = statusOf(again.received());
    }
    assert.equal(status, 200);
  });

  test('an idle keep-alive connection is closed after the keep-alive timeout', async () => {
    const c = await openRaw(gw.url);
    c.socket.write('GET /health HTTP/1.1\r\nHost: tollgate\r\n\r\n');
    while (!c.received().includes('"status":"ok"')) await sleep(10);
    const answered = performance.now();
    const closed = await within(c.closed, KEEP_ALIVE_TIMEOUT_MS + 10_000, 'idle keep-alive connection closed');
    assert.ok(closed - answered >= KEEP_ALIVE_TIMEOUT_MS - 100, 'kept alive for the timeout');
    assert.ok(closed - answered <= KEEP_ALIVE_TIMEOUT_MS + SLACK_MS, `closed ${Math.round(closed - answered)} ms after the answer`);
  });

  test('a long streamed answer is not cut by the request, header or keep-alive timeouts', async () => {
    // Events 250 ms apart: well over twice the request timeout in all.
    gw.sim.faults.push({ kind: 'latency', ms: 0, chunk_ms: 250, match: { path: '/v1/chat/completions', stream: true } });
    const started = performance.now();
    const res = await gw.call('/v1/chat/completions', { key, body: { model: 'gpt-4o-mini', max_tokens: 40, stream: true, messages: [{ role: 'user', content: 'Tell me a long story about toll roads.' }] } });
    const events = parseSse(await res.text());
    const took = performance.now() - started;
    assert.equal(res.status, 200);
    assert.ok(took > REQUEST_TIMEOUT_MS * 2, `the stream lasted ${Math.round(took)} ms`);
    assert.equal(events.at(-1)?.data, '[DONE]', 'the stream ended normally');
    assert.ok(!events.some((e) => e.data.includes('"error"')));
  });

  test('a slow upstream answer (headers late) is not cut by the request timeout', async () => {
    gw.sim.faults.push({ kind: 'latency', ms: REQUEST_TIMEOUT_MS + 800, match: { path: '/v1/chat/completions', stream: false } });
    assert.ok((await served()) > REQUEST_TIMEOUT_MS);
  });
});
