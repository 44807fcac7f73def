import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { freePort, startGateway } from '../support/gateway.ts';
import { dropPrefix, redisSkip, testRedisUrl } from '../support/redis.ts';
import { createSqliteStore, type TestStore } from '../support/stores.ts';

// Issue 11.7: with the Redis adapter, the response cache lives outside the process: an answer
// stored by one Tollgate is a hit for the next one on the same Redis (here: the same store, a
// second process life), and every entry's key names its organization.

const skip = redisSkip();
const STATUS = 'x-tollgate-cache-status';

let store: TestStore;
let orgId = '';
before(async () => {
  if (!skip) store = await createSqliteStore();
});
after(async () => {
  if (skip) return;
  const redis = new Redis(testRedisUrl()!);
  if (orgId) await dropPrefix(redis, `tollgate:cache:rc:${orgId}:`);
  await redis.quit();
  await store.dispose();
});

test('an answer stored through Redis by one Tollgate is served by the next, under its organization', { skip }, async () => {
  const env = { TOLLGATE_CACHE: 'on', REDIS_URL: testRedisUrl()! };
  const body = { model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user', content: `Shared caches ${Date.now()}` }] };

  const first = await startGateway({ store, env });
  orgId = first.tg.home.org.id;
  let content: string;
  try {
    const res = await first.call('/v1/chat/completions', { body });
    assert.equal(res.headers.get(STATUS), 'miss');
    content = ((await res.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content;
  } finally {
    await first.close();
  }

  const redis = new Redis(testRedisUrl()!);
  try {
    const keys = await redis.keys(`tollgate:cache:rc:${orgId}:chat:*`);
    assert.equal(keys.length, 1, 'one entry, under the organization');
    const ttl = await redis.pttl(keys[0]!);
    assert.ok(ttl > 3_500_000 && ttl <= 3_600_000, `TTL from cache.ttl_seconds, got ${ttl}`);
  } finally {
    await redis.quit();
  }

  const second = await startGateway({ store, env });
  try {
    const calls = second.sim.requests.length;
    const res = await second.call('/v1/chat/completions', { body });
    assert.equal(res.headers.get(STATUS), 'hit');
    assert.equal(((await res.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content, content);
    assert.equal(second.sim.requests.length, calls, 'the second Tollgate did not call its upstream');
  } finally {
    await second.close();
  }
});

// A Redis of its own (Debian's redis-server), to be stopped mid-test.
const noServer = spawnSync('redis-server', ['--version']).status === 0 ? false : 'needs redis-server on the PATH';

test('when the cache Redis goes away, requests are still served from the upstream and the outage is logged', { skip: noServer }, async (t) => {
  const port = await freePort();
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  t.after(() => {
    if (server.exitCode === null) server.kill('SIGKILL');
  });
  const url = `redis://127.0.0.1:${port}`;
  // Wait until it answers.
  for (let i = 0; ; i++) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    const up = await probe.connect().then(() => true, () => false);
    probe.disconnect();
    if (up) break;
    if (i > 50) throw new Error('private redis-server did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const gw = await startGateway({ env: { TOLLGATE_CACHE: 'on', REDIS_URL: url } });
  try {
    const body = { model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user', content: 'Is Redis there?' }] };
    assert.equal((await gw.call('/v1/chat/completions', { body })).headers.get(STATUS), 'miss');
    assert.equal((await gw.call('/v1/chat/completions', { body })).headers.get(STATUS), 'hit');
    server.kill('SIGKILL');
    await new Promise((r) => server.once('exit', r));
    const calls = gw.sim.requests.length;
    const res = await gw.call('/v1/chat/completions', { body });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get(STATUS), 'miss');
    assert.equal(gw.sim.requests.length, calls + 1, 'served by the upstream');
    assert.ok(gw.logs.some((l) => l.includes('response cache unavailable')), 'the outage is logged');
  } finally {
    await gw.close();
  }
});
