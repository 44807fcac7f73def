import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { startGateway } from '../support/gateway.ts';
import { readSse } from '../support/sse.ts';

// Regression: an upstream event that never ends must not grow the relay's buffer without bound.
test('a stream event that never ends is cut off as malformed, not buffered forever', async () => {
  const upstream = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const piece = `data: {"id":"x","choices":[{"delta":{"content":"${'a'.repeat(64 * 1024)}`;
    let sent = 0;
    const push = () => {
      while (sent < 200 && !res.destroyed) {
        sent++;
        if (!res.write(piece)) return void res.once('drain', push);
      }
    };
    push();
    res.on('close', () => {});
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const port = (upstream.address() as AddressInfo).port;
  const gw = await startGateway({ env: { OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1` } });
  try {
    const res = await gw.call('/v1/chat/completions', { body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true } });
    const events = await readSse(res);
    const last = JSON.parse(events.at(-1)!.data) as { error: { code: string } };
    assert.equal(last.error.code, 'upstream_malformed_chunk');
    const row = (await (await gw.call(`/api/usage/${res.headers.get('x-request-id')}`)).json()) as { error_code: string };
    assert.equal(row.error_code, 'upstream_malformed_chunk');
  } finally {
    await gw.close();
    upstream.closeAllConnections();
    await new Promise((r) => upstream.close(r));
  }
});
