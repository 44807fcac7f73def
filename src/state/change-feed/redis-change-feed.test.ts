import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { redisProxy } from '../../../test/support/redis-proxy.ts';
import { redisSkip, testRedisUrl } from '../../../test/support/redis.ts';
import { createSqliteStore, type TestStore } from '../../../test/support/stores.ts';
import { connectRedis } from '../redis/redis-connection.ts';
import { openStore, type Store } from '../store.ts';
import { ACCESS_TOPIC, publishChange } from './change-feed.ts';
import { RedisChangeFeed } from './redis-change-feed.ts';
import { SqlitePollChangeFeed } from './sqlite-poll-change-feed.ts';

/*
 * Two "instances" on one SQLite file and one Redis: A writes, B listens. The store's own feed
 * (polling) is slowed down or sped up per test, so each test shows which path carried the change.
 */
describe('change notifications over Redis pub/sub', { skip: redisSkip() }, () => {
  let t: TestStore;
  let writer: Store;
  const open: RedisChangeFeed[] = [];
  const subscribers = new Map<RedisChangeFeed, Redis>();
  const channel = () => `tollgate-test:changes:${randomBytes(6).toString('hex')}`;
  before(async () => {
    t = await createSqliteStore();
    writer = openStore({ sqlitePath: `${t.dataDir}/tollgate.db`, checkpointIntervalMs: 0 });
  });
  after(async () => {
    await Promise.all(open.map((f) => f.close()));
    await writer?.close();
    await t?.dispose();
  });

  /** A feed for `store`: Redis at `url` (default the test Redis) in front of a poll every `pollMs`. */
  async function feed(store: Store, ch: string, pollMs: number, extra: Partial<ConstructorParameters<typeof RedisChangeFeed>[0]> = {}, url = testRedisUrl()!): Promise<RedisChangeFeed> {
    const [subscriber, publisher] = await Promise.all([connectRedis(url, { subscriber: true }), connectRedis(url)]);
    const f = new RedisChangeFeed({ subscriber, publisher, committed: store.committedChanges, fallback: new SqlitePollChangeFeed(store.db, { intervalMs: pollMs }), db: store.db, channel: ch, ...extra });
    await f.start();
    open.push(f);
    subscribers.set(f, subscriber);
    return f;
  }
  const commit = (store: Store, topic: string) => store.db.transaction().execute((trx) => publishChange(trx, store.dialect, topic));

  test('a change committed by A reaches B in milliseconds while the store feed sleeps', async () => {
    const ch = channel();
    await feed(writer, ch, 60_000);
    const b = await feed(t.store, ch, 60_000);
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const heard = new Promise<number>((resolve) => {
        const off = b.subscribe((topic) => {
          if (topic !== ACCESS_TOPIC) return;
          off();
          resolve(performance.now() - started);
        });
      });
      await commit(writer, ACCESS_TOPIC);
      delays.push(await Promise.race([heard, sleep(2_000).then(() => -1)]));
    }
    console.log(`commit to listener over Redis: ${delays.map((d) => d.toFixed(1)).join(', ')} ms`);
    assert.ok(delays.every((d) => d >= 0 && d < 500), `heard within 500 ms each time (the store feed polls once a minute): ${delays.join(', ')}`);
  });

  test('each change is heard once, though Redis and the store feed both signal it', async () => {
    const ch = channel();
    await feed(writer, ch, 60_000);
    const b = await feed(t.store, ch, 50);
    const heard: string[] = [];
    b.subscribe((topic) => heard.push(topic));
    for (let i = 0; i < 3; i++) {
      await commit(writer, 'once');
      await sleep(250);
    }
    assert.deepEqual(heard, ['once', 'once', 'once']);
  });

  test('a stray message on the channel (another deployment on the same Redis) tells listeners nothing', async () => {
    const ch = channel();
    const b = await feed(t.store, ch, 60_000);
    const heard: string[] = [];
    b.subscribe((topic) => heard.push(topic));
    const raw = new Redis(testRedisUrl()!);
    try {
      await raw.publish(ch, ACCESS_TOPIC);
      await sleep(300);
      assert.deepEqual(heard, []);
    } finally {
      raw.disconnect();
    }
  });

  test('a change whose Redis message never comes (a writer without Redis) arrives through the store feed', async () => {
    const b = await feed(t.store, channel(), 100);
    const started = performance.now();
    const heard = new Promise<number>((resolve) => {
      const off = b.subscribe((topic) => {
        if (topic !== 'no-redis') return;
        off();
        resolve(performance.now() - started);
      });
    });
    await commit(writer, 'no-redis'); // the writer's store has no Redis publisher
    const ms = await Promise.race([heard, sleep(1_000).then(() => -1)]);
    assert.ok(ms >= 0, 'not heard within a second');
  });

  test('a change neither Redis nor the store feed signals is still heard, by the periodic read of the counters', async () => {
    const b = await feed(t.store, channel(), 60_000, { catchUpMs: 200 });
    const heard: string[] = [];
    b.subscribe((topic) => heard.push(topic));
    await commit(writer, 'unsignalled'); // no Redis publisher, and the store feed polls once a minute
    for (let i = 0; i < 40 && heard.length === 0; i++) await sleep(25);
    assert.deepEqual(heard, ['unsignalled']);
  });

  test('Redis down: told once, changes still arrive through the store feed; Redis back: told again', async () => {
    const ch = channel();
    const proxy = await redisProxy(new URL(testRedisUrl()!));
    const states: boolean[] = [];
    try {
      await feed(writer, ch, 60_000);
      const b = await feed(t.store, ch, 100, { onRedisState: (up) => states.push(up) }, proxy.url);
      const heard: string[] = [];
      b.subscribe((topic) => heard.push(topic));
      proxy.cut();
      await commit(writer, 'during-outage');
      for (let i = 0; i < 20 && !heard.includes('during-outage'); i++) await sleep(50);
      assert.deepEqual(heard, ['during-outage'], 'the store feed carried it');
      assert.deepEqual(states, [false]);
      assert.equal(b.connected, false);
      proxy.heal();
      for (let i = 0; i < 100 && !b.connected; i++) await sleep(50);
      assert.deepEqual(states, [false, true]);
      assert.equal(b.connected, true);
      // Subscribed again on the new connection: a message on the channel reaches it.
      const message = new Promise<string>((resolve) => subscribers.get(b)!.once('message', (_ch: string, m: string) => resolve(m)));
      const raw = new Redis(testRedisUrl()!);
      await raw.publish(ch, 'after-outage');
      raw.disconnect();
      assert.equal(await Promise.race([message, sleep(1_000).then(() => 'nothing')]), 'after-outage');
    } finally {
      proxy.close();
    }
  });
});
