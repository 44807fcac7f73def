import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startGateway, type TestGateway } from '../support/gateway.ts';

describe('health and readiness', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway();
  });
  after(() => gw.close());

  test('/health answers without a key', async () => {
    const res = await gw.call('/health', { key: null });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
    assert.ok(res.headers.get('x-request-id'));
  });

  test('/ready reports the store and the upstream', async () => {
    const res = await gw.call('/ready', { key: null });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { status: string; store: { dialect: string; status: string }; upstream: { mode: string } };
    assert.equal(body.status, 'ready');
    assert.equal(body.store.status, 'ok');
    assert.equal(body.upstream.mode, 'configured');
  });

  test('/ready answers 503 when the store is unreachable', async () => {
    const original = gw.tg.store.ping;
    gw.tg.store.ping = async () => {
      throw new Error('down');
    };
    try {
      const res = await gw.call('/ready', { key: null });
      assert.equal(res.status, 503);
      assert.equal(res.headers.get('x-should-retry'), 'true');
      assert.equal(((await res.json()) as { status: string }).status, 'not_ready');
    } finally {
      gw.tg.store.ping = original;
    }
  });
});
