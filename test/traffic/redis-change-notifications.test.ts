import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { REDIS_CHANGES_CHANNEL } from '../../src/state/redis/index.ts';
import { cleanEnv, runTollgate } from '../cli/cli-process.ts';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { redisProxy } from '../support/redis-proxy.ts';
import { redisSkip, testRedisUrl } from '../support/redis.ts';
import { createPostgresStore, type TestStore } from '../support/stores.ts';

/*
 * Issue 11.6: key revocation, role and membership changes reach every instance within a second
 * through Redis pub/sub. Two whole gateways share one PostgreSQL store and one Redis; the key cache
 * keeps its 30 s TTL, so only a change notification can make the other instance refuse a key.
 */
const pgUrl = process.env.TOLLGATE_TEST_DATABASE_URL;
const hello = { model: 'gpt-4o-mini', max_tokens: 5, messages: [{ role: 'user', content: 'hello' }] };
const chat = (gw: TestGateway, key: string) => gw.call('/v1/chat/completions', { key, body: hello }).then(async (r) => (await r.arrayBuffer(), r.status));

/** Milliseconds until `probe` answers `want` (probing back to back), or -1 after `withinMs`. */
async function until(probe: () => Promise<number>, want: number, withinMs: number): Promise<number> {
  const started = performance.now();
  while (performance.now() - started <= withinMs) if ((await probe()) === want) return performance.now() - started;
  return -1;
}

/** Whether a log line containing `text` appears within `withinMs`. */
async function logged(gw: TestGateway, text: string, withinMs: number): Promise<boolean> {
  const started = performance.now();
  while (!gw.logs.some((l) => l.includes(text))) {
    if (performance.now() - started > withinMs) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

describe('change notifications between two gateways over Redis pub/sub', { skip: redisSkip() || (pgUrl ? false : 'needs TOLLGATE_TEST_DATABASE_URL') }, () => {
  let store: TestStore;
  const running: TestGateway[] = [];
  let listener: Redis;
  const published: string[] = [];
  before(async () => {
    store = await createPostgresStore(pgUrl!);
    listener = new Redis(testRedisUrl()!);
    listener.on('message', (_channel: string, topic: string) => published.push(topic));
    await listener.subscribe(REDIS_CHANGES_CHANNEL);
  });
  after(async () => {
    await Promise.all(running.map((g) => g.close()));
    listener?.disconnect();
    await store?.dispose();
  });

  test('a key revoked on one instance is refused by the other well within a second (measured)', async () => {
    const env = { REDIS_URL: testRedisUrl()! };
    const a = await startGateway({ store, env });
    running.push(a);
    const b = await startGateway({ store, env });
    running.push(b);
    const ready = (await (await b.call('/ready', { key: null })).json()) as Record<string, unknown>;
    assert.deepEqual(ready.changes, { transport: 'redis', redis: 'ok' });

    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      const created = (await (await a.call('/api/keys', { body: { name: `revoked ${i}` } })).json()) as { id: string; key: string };
      assert.equal(await chat(b, created.key), 200, 'B knows (and caches) the key');
      published.length = 0;
      assert.equal((await a.call(`/api/keys/${created.id}`, { method: 'DELETE' })).status, 200);
      const ms = await until(() => chat(b, created.key), 401, 1_000);
      assert.ok(ms >= 0, 'B still accepted the key a second after A revoked it');
      delays.push(ms);
      assert.ok(published.includes('access'), `A published the revocation on ${REDIS_CHANGES_CHANNEL}: ${JSON.stringify(published)}`);
    }
    console.log(`revoked on A, refused by B after: ${delays.map((d) => d.toFixed(1)).join(', ')} ms (each includes one request to B)`);
    assert.ok(Math.max(...delays) < 1_000);
  });

  test('a role change (membership removed) on one instance applies on the other at once', async () => {
    const [a, b] = running as [TestGateway, TestGateway];
    const { directory, keys, home } = a.tg;
    const ctx = { actorId: 'system', orgId: home.org.id };
    const user = await directory.createUser({ orgId: home.org.id, email: `member-${Date.now()}@example.com`, name: 'Member' }, ctx);
    await directory.setMembership(home.defaultTeam.id, user.id, 'member', ctx);
    const { secret } = await keys.create({ name: 'member key', orgId: home.org.id, teamId: home.defaultTeam.id, userId: user.id }, ctx);
    assert.equal(await chat(b, secret), 200);
    published.length = 0;
    assert.equal((await a.call(`/api/teams/${home.defaultTeam.id}/members/${user.id}`, { method: 'DELETE' })).status, 200);
    const ms = await until(() => chat(b, secret), 403, 1_000);
    assert.ok(ms >= 0, 'B still served the removed member a second later');
    assert.ok(published.includes('access'));
  });

  test('a budget created on one instance applies on the other at once', async () => {
    const [a, b] = running as [TestGateway, TestGateway];
    const key = (await (await a.call('/api/keys', { body: { name: 'budgeted', kind: 'service', team_id: a.tg.home.defaultTeam.id, role: 'member' } })).json()) as { id: string; key: string };
    assert.equal(await chat(b, key.key), 200);
    published.length = 0;
    assert.equal((await a.call('/api/budgets', { body: { scope: 'key', scope_id: key.id, period: 'total', limit_usd: '0.000000001' } })).status, 201);
    const ms = await until(() => chat(b, key.key), 429, 1_000);
    assert.ok(ms >= 0, 'B did not refuse within a second');
    assert.ok(published.includes('budgets'), JSON.stringify(published));
  });

  test('`tollgate keys revoke` with REDIS_URL publishes the revocation, and the running instances refuse the key', async () => {
    const [a, b] = running as [TestGateway, TestGateway];
    const created = (await (await a.call('/api/keys', { body: { name: 'revoked from the shell' } })).json()) as { id: string; key: string };
    assert.equal(await chat(b, created.key), 200);
    published.length = 0;
    const cli = runTollgate(['keys', 'revoke', created.id], cleanEnv({ TOLLGATE_DATA_DIR: store.dataDir, DATABASE_URL: store.databaseUrl!, REDIS_URL: testRedisUrl()! }));
    assert.equal(cli.status, 0, cli.stderr);
    // spawnSync held this process's event loop: let the listener read what arrived meanwhile.
    for (let i = 0; i < 40 && !published.includes('access'); i++) await new Promise((r) => setTimeout(r, 25));
    assert.ok(published.includes('access'), `the command published on ${REDIS_CHANGES_CHANNEL}: ${JSON.stringify(published)}`);
    assert.ok((await until(() => chat(b, created.key), 401, 1_000)) >= 0);
  });

  test('Redis unreachable: said in the log and /ready, and a revocation still reaches the instance through the store feed', async () => {
    const [a] = running as [TestGateway];
    const proxy = await redisProxy(new URL(testRedisUrl()!));
    try {
      const c = await startGateway({ store, env: { REDIS_URL: proxy.url, TOLLGATE_ON_COUNTERS_ERROR: 'open' } });
      running.push(c);
      const created = (await (await a.call('/api/keys', { body: { name: 'revoked in an outage' } })).json()) as { id: string; key: string };
      assert.equal(await chat(c, created.key), 200);
      proxy.cut();
      assert.ok(await logged(c, 'change notifications: Redis unreachable', 1_000), 'the outage is logged');
      assert.deepEqual(((await (await c.call('/ready', { key: null })).json()) as Record<string, unknown>).changes, { transport: 'redis', redis: 'unreachable' });
      assert.equal((await a.call(`/api/keys/${created.id}`, { method: 'DELETE' })).status, 200);
      const ms = await until(() => chat(c, created.key), 401, 1_000);
      assert.ok(ms >= 0, 'the store feed (LISTEN/NOTIFY) did not carry the revocation within a second');
      proxy.heal();
      assert.ok(await logged(c, 'change notifications travel over Redis again', 5_000), 'the return is logged');
    } finally {
      proxy.close();
    }
  });
});

test('REDIS_URL unreachable at start: Tollgate does not start, and says so without the password', async () => {
  const err = await startGateway({ env: { REDIS_URL: 'redis://user:hunter2-secret@127.0.0.1:1' } }).then(
    (gw) => gw.close().then(() => undefined),
    (e: unknown) => e,
  );
  assert.ok(err instanceof Error && err.name === 'ConfigError', String(err));
  assert.match(err.message, /cannot reach Redis at redis:\/\/user:\*\*\*@127\.0\.0\.1:1.*start Redis or unset REDIS_URL/);
  assert.ok(!err.message.includes('hunter2'));
});
