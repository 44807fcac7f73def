import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cleanEnv, runTollgate, serve, stop, type Served } from '../cli/cli-process.ts';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { testRedisUrl } from '../support/redis.ts';
import { createPostgresStore } from '../support/stores.ts';

// Issue 11.6: instances sharing a PostgreSQL store without Redis must not silently under-enforce.
// Each registers itself in the store; while more than one is alive, /ready and the logs say that
// limits and budgets are counted per instance.

const pgUrl = process.env.TOLLGATE_TEST_DATABASE_URL;

test('two instances on one PostgreSQL without Redis: /ready and the log say limits are per instance', { skip: pgUrl ? false : 'needs TOLLGATE_TEST_DATABASE_URL' }, async () => {
  const store = await createPostgresStore(pgUrl!);
  const running: TestGateway[] = [];
  try {
    const a = await startGateway({ store });
    running.push(a);
    const alone = (await (await a.call('/ready', { key: null })).json()) as Record<string, unknown>;
    assert.deepEqual(alone.instances, { alive: 1, limits: 'shared' });
    const b = await startGateway({ store });
    running.push(b);
    const res = await b.call('/ready', { key: null });
    assert.equal(res.status, 200, 'still ready: per-instance limits are a warning, not an outage');
    assert.deepEqual(((await res.json()) as Record<string, unknown>).instances, { alive: 2, limits: 'per_instance' });
    assert.ok(b.logs.some((l) => l.includes('enforced per instance')), 'the log says so');
    await b.close();
    running.pop();
    await a.tg.limits.beat();
    assert.deepEqual(((await (await a.call('/ready', { key: null })).json()) as Record<string, unknown>).instances, { alive: 1, limits: 'shared' }, 'a stopped instance leaves the store');
  } finally {
    await Promise.all(running.map((g) => g.close()));
    await store.dispose();
  }
});

test('a budget created through one instance applies on the other within a second (change feed, not the 10 s reload)', { skip: pgUrl ? false : 'needs TOLLGATE_TEST_DATABASE_URL' }, async () => {
  const store = await createPostgresStore(pgUrl!);
  const running: TestGateway[] = [];
  try {
    const a = await startGateway({ store });
    running.push(a);
    const b = await startGateway({ store });
    running.push(b);
    const key = (await (await a.call('/api/keys', { body: { name: 'k', kind: 'service', team_id: a.tg.home.defaultTeam.id, role: 'member' } })).json()) as { id: string; key: string };
    assert.equal((await a.call('/api/budgets', { body: { scope: 'key', scope_id: key.id, period: 'total', limit_usd: '0.000000001' } })).status, 201);
    const started = performance.now();
    let refused = false;
    while (performance.now() - started < 1_000 && !refused) {
      const res = await b.call('/v1/chat/completions', { key: key.key, body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] } });
      refused = res.status === 429 && ((await res.json()) as { error: { code: string } }).error.code === 'budget_exceeded';
    }
    assert.ok(refused, 'the other instance refused within a second');
  } finally {
    await Promise.all(running.map((g) => g.close()));
    await store.dispose();
  }
});

test('store.multi_instance_without_redis: refuse stops a second instance without Redis at start, naming the setting', { skip: pgUrl ? false : 'needs TOLLGATE_TEST_DATABASE_URL' }, async () => {
  const store = await createPostgresStore(pgUrl!);
  const running: TestGateway[] = [];
  try {
    const refuse = { TOLLGATE_MULTI_INSTANCE_WITHOUT_REDIS: 'refuse' };
    const a = await startGateway({ store, env: refuse });
    running.push(a);
    const err = await startGateway({ store, env: refuse }).then((b) => (running.push(b), undefined), (e: unknown) => e);
    assert.ok(err instanceof Error, 'the second instance did not start');
    assert.equal(err.name, 'ConfigError');
    assert.match(err.message, /another gateway instance \(.+, pid \d+\) is running on this store without Redis/);
    assert.match(err.message, /store\.multi_instance_without_redis \(TOLLGATE_MULTI_INSTANCE_WITHOUT_REDIS\) is refuse/);
    await a.tg.limits.beat();
    assert.deepEqual(((await (await a.call('/ready', { key: null })).json()) as Record<string, unknown>).instances, { alive: 1, limits: 'shared' }, 'the refused instance left no row');
    // With the default (warn) the same second instance starts, and both say limits are per instance.
    const b = await startGateway({ store });
    running.push(b);
    assert.deepEqual(((await (await b.call('/ready', { key: null })).json()) as Record<string, unknown>).instances, { alive: 2, limits: 'per_instance' });
  } finally {
    await Promise.all(running.map((g) => g.close()));
    await store.dispose();
  }
});

test('store.multi_instance_without_redis: refuse lets a second instance start when both share Redis', { skip: pgUrl && testRedisUrl() ? false : 'needs TOLLGATE_TEST_DATABASE_URL and TOLLGATE_TEST_REDIS_URL' }, async () => {
  const store = await createPostgresStore(pgUrl!);
  const running: TestGateway[] = [];
  try {
    const env = { TOLLGATE_MULTI_INSTANCE_WITHOUT_REDIS: 'refuse', REDIS_URL: testRedisUrl()! };
    running.push(await startGateway({ store, env }));
    const b = await startGateway({ store, env });
    running.push(b);
    assert.deepEqual(((await (await b.call('/ready', { key: null })).json()) as Record<string, unknown>).instances, { alive: 2, limits: 'shared' });
    // A newcomer without Redis is refused too: it would count its limits alone.
    const c = await startGateway({ store, env: { TOLLGATE_MULTI_INSTANCE_WITHOUT_REDIS: 'refuse' } }).catch((e: unknown) => e);
    assert.ok(c instanceof Error && /multi_instance_without_redis/.test(c.message), String(c));
  } finally {
    await Promise.all(running.map((g) => g.close()));
    await store.dispose();
  }
});

test('`tollgate serve` with multi_instance_without_redis refuse: the second process exits 2 and says which setting', { skip: pgUrl ? false : 'needs TOLLGATE_TEST_DATABASE_URL', timeout: 120_000 }, async () => {
  const store = await createPostgresStore(pgUrl!);
  let first: Served | undefined;
  const secondDir = mkdtempSync(join(tmpdir(), 'tollgate-second-'));
  try {
    const env = (dir: string) => cleanEnv({ PORT: '0', TOLLGATE_DATA_DIR: dir, DATABASE_URL: store.databaseUrl!, TOLLGATE_MULTI_INSTANCE_WITHOUT_REDIS: 'refuse' });
    first = await serve(env(store.dataDir));
    const second = runTollgate(['serve'], env(secondDir));
    assert.equal(second.status, 2, second.stdout + second.stderr);
    assert.match(second.stderr, new RegExp(`another gateway instance \\(.+, pid ${first.proc.pid}\\) is running on this store without Redis`));
    assert.match(second.stderr, /store\.multi_instance_without_redis \(TOLLGATE_MULTI_INSTANCE_WITHOUT_REDIS\) is refuse/);
    assert.doesNotMatch(second.stdout, /listening/);
  } finally {
    await stop(first?.proc);
    await store.dispose();
    rmSync(secondDir, { recursive: true, force: true });
  }
});
