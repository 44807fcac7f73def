// Every test that starts a gateway (test/support/gateway.ts) checks at close that no upstream key,
// admin key or created key reached Tollgate's log, and no upstream key an answer. This proves the
// check itself fails when a secret is there.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startGateway, UPSTREAM_KEY } from '../support/gateway.ts';

test('a secret in the log fails the test that started the gateway', async () => {
  const gw = await startGateway();
  const secret = await gw.createKey({ name: 'scanned' });
  gw.logs.push(`{"msg":"oops","authorization":"Bearer ${secret}"}\n`);
  await assert.rejects(gw.close(), /secrets leaked: a created key in Tollgate's log/);
});

test('the upstream key in the log is caught too; a clean run closes quietly', async () => {
  const dirty = await startGateway();
  dirty.logs.push(`upstream said ${UPSTREAM_KEY}\n`);
  await assert.rejects(dirty.close(), /the upstream key in Tollgate's log/);
  const clean = await startGateway();
  await clean.createKey({ name: 'fine' });
  assert.equal((await clean.call('/v1/models')).status, 200);
  await clean.close();
});
