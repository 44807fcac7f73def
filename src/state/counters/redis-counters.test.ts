import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { openTestCounters, redisSkip, testRedisUrl } from '../../../test/support/redis.ts';
import { countersContract } from './counters-contract.ts';
import { redactUrl } from '../redis/index.ts';
import { connectRedisCounters, RedisCounters } from './redis-counters.ts';

const skip = redisSkip();
if (skip) {
  test('RedisCounters', { skip }, () => {});
} else {
  countersContract('RedisCounters', (o) => openTestCounters(o));

  describe('RedisCounters on Redis', () => {
    const opened: RedisCounters[] = [];
    after(async () => {
      for (const c of opened) await c.close();
    });

    test('two connections (two instances) share one limit and one lease set', async () => {
      const a = await openTestCounters();
      opened.push(a);
      const prefix = (a as unknown as { prefix: string }).prefix;
      const b = await openTestCounters({ prefix });
      opened.push(b);
      const e = { key: 'bud_shared:d:2026-11-25', limit: 10, base: 0 };
      const ra = await a.reserve([e], 6);
      assert.ok(ra.ok);
      assert.equal((await b.reserve([e], 6)).ok, false, 'the other instance sees the first reservation');
      assert.equal(await b.release(ra.reservationId), true, 'a lease taken on one instance can be released on the other');
      assert.ok((await b.reserve([e], 6)).ok);
    });

    test('the scripts are loaded again after SCRIPT FLUSH (a restarted Redis)', async () => {
      const c = await openTestCounters();
      opened.push(c);
      const admin = new Redis(testRedisUrl()!);
      await admin.script('FLUSH');
      await admin.quit();
      assert.ok((await c.take([{ key: 'rl:x', limit: 5, windowMs: 60_000, amount: 1 }])).ok);
    });

    test('a key with an end of period expires in Redis; a key without one persists', async () => {
      const c = await openTestCounters();
      opened.push(c);
      const prefix = (c as unknown as { prefix: string }).prefix;
      const redis = new Redis(testRedisUrl()!);
      const r = await c.reserve([{ key: 'p', limit: 10, base: 3, expireAt: Date.now() + 60_000 }, { key: 'q', limit: 10, base: 0 }], 1);
      assert.ok(r.ok);
      const ttlP = await redis.pttl(`${prefix}k:p`);
      assert.ok(ttlP > 50_000 && ttlP <= 60_000, String(ttlP));
      assert.equal(await redis.pttl(`${prefix}k:q`), -1);
      await redis.quit();
    });

    test('an unreachable Redis is refused at connect with the password redacted', async () => {
      await assert.rejects(connectRedisCounters('redis://user:hunter2@127.0.0.1:1', { commandTimeoutMs: 200 }), (err: Error) => {
        assert.match(err.message, /cannot reach Redis at redis:\/\/user:\*\*\*@127\.0\.0\.1:1/);
        assert.ok(!err.message.includes('hunter2'));
        return true;
      });
      assert.equal(redactUrl('redis://:pw@h:6379/0'), 'redis://:***@h:6379/0');
    });

    test('a prefix without a hash tag is refused', () => {
      assert.throws(() => new RedisCounters({} as Redis, { prefix: 'tollgate:' }), /hash tag/);
    });
  });
}
