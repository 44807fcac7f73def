import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { openTestCounters, redisSkip } from '../../../test/support/redis.ts';
import { MemoryCounters, type Counters } from '../../state/index.ts';
import { parseRateLimitRules, RateLimitRules, RateLimitedError, RateLimiter, type RateLimiterOptions, type RateLimitRuleInput } from './index.ts';

const subject = { keyId: 'key_a', userId: 'usr_a', teamId: 'team_1', orgId: 'org_1' };

async function refusal(p: Promise<unknown>): Promise<RateLimitedError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof RateLimitedError) return err;
    throw err;
  }
  assert.fail('expected a 429');
}

function suite(name: string, makeCounters: () => Promise<Counters>) {
  describe(`RateLimiter on ${name}`, () => {
    const opened: Counters[] = [];
    after(async () => {
      for (const c of opened) await c.close();
    });
    const limiter = async (rules: RateLimitRuleInput[], options: Partial<RateLimiterOptions> = {}) => {
      const counters = await makeCounters();
      opened.push(counters);
      return new RateLimiter({ counters, rules: new RateLimitRules(parseRateLimitRules(rules)), ...options });
    };

    test('requests per minute: the fourth of 3 RPM gets a 429 with what OpenAI sends', async () => {
      const l = await limiter([{ scope: 'key', scope_id: 'key_a', requests_per_minute: 3 }]);
      const first = await l.admit(subject, 'gpt-4o', 10);
      assert.equal(first.headers['x-ratelimit-limit-requests'], '3');
      assert.equal(first.headers['x-ratelimit-remaining-requests'], '2');
      assert.match(first.headers['x-ratelimit-reset-requests']!, /^(20s|19\.\d+s)$/);
      await l.admit(subject, 'gpt-4o', 10);
      await l.admit(subject, 'gpt-4o', 10);
      const err = await refusal(l.admit(subject, 'gpt-4o', 10));
      assert.equal(err.status, 429);
      const body = err.toBody();
      assert.equal(body.error.code, 'rate_limit_exceeded');
      assert.equal(body.error.type, 'requests');
      assert.match(body.error.message, /Rate limit reached for gpt-4o \(key key_a\) on requests per min \(RPM\): Limit 3, Remaining 0, Requested 1\. Please try again in (20s|19\.\d+s)\./);
      assert.equal(err.headers!['x-ratelimit-remaining-requests'], '0');
      assert.match(err.headers!['x-ratelimit-reset-requests']!, /^(1m0s|59\.\d+s)$/);
      assert.equal(err.headers!['retry-after'], '20');
      assert.ok(Number(err.headers!['retry-after-ms']) > 19_000);
      assert.ok(!('x-should-retry' in err.headers!));
    });

    test('tokens per minute: the estimate is held at admission and corrected with the actual usage', async () => {
      const l = await limiter([{ scope: 'team', scope_id: 'team_1', tokens_per_minute: 1_000 }]);
      const a = await l.admit(subject, 'gpt-4o', 800);
      assert.equal(a.headers['x-ratelimit-remaining-tokens'], '200');
      const err = await refusal(l.admit(subject, 'gpt-4o', 800));
      assert.equal(err.toBody().error.type, 'tokens');
      await a.settle(100);
      const b = await l.admit(subject, 'gpt-4o', 800);
      // About 100 remain (a few more as the bucket drains meanwhile): the 100 used count, the 700 unused came back.
      const remaining = Number(b.headers['x-ratelimit-remaining-tokens']);
      assert.ok(remaining >= 100 && remaining < 150, `remaining ${remaining}`);
      await b.settle(900);
      const refused = await refusal(l.admit(subject, 'gpt-4o', 50));
      assert.equal(refused.refusal.kind, 'tokens', 'an underestimate is charged in full');
    });

    test('a failed request gives its estimated tokens back', async () => {
      const l = await limiter([{ scope: 'key', scope_id: 'key_a', tokens_per_minute: 1_000 }]);
      const a = await l.admit(subject, 'gpt-4o', 900);
      await a.release();
      await a.settle(900); // the first of settle and release decides
      await l.admit(subject, 'gpt-4o', 900);
    });

    test('a request larger than the tokens limit can never pass: no Retry-After, x-should-retry false', async () => {
      const l = await limiter([{ scope: 'org', scope_id: 'org_1', tokens_per_minute: 1_000 }]);
      const err = await refusal(l.admit(subject, 'gpt-4o', 1_001));
      assert.match(err.message, /^Request too large for gpt-4o \(org org_1\) on tokens per min \(TPM\): Limit 1000, Requested 1001\./);
      assert.equal(err.headers!['x-should-retry'], 'false');
      assert.ok(!('retry-after' in err.headers!));
    });

    test('scopes: a team limit is shared by its keys, a model limit by every caller, a narrowed limit only by its models', async () => {
      const l = await limiter([
        { scope: 'team', scope_id: 'team_1', requests_per_minute: 2 },
        { scope: 'model', scope_id: 'o3*', requests_per_minute: 1 },
        { scope: 'user', scope_id: 'usr_b', model: 'gpt-4o', requests_per_minute: 1 },
      ]);
      await l.admit({ keyId: 'key_a', teamId: 'team_1' }, 'gpt-4o', 1);
      await l.admit({ keyId: 'key_b', teamId: 'team_1' }, 'gpt-4o', 1);
      assert.equal((await refusal(l.admit({ keyId: 'key_c', teamId: 'team_1' }, 'gpt-4o', 1))).refusal.label, 'team team_1');
      await l.admit({ keyId: 'key_x' }, 'o3-mini', 1);
      assert.equal((await refusal(l.admit({ keyId: 'key_y', orgId: 'org_2' }, 'o3', 1))).refusal.label, 'model o3*');
      await l.admit({ keyId: 'key_z', userId: 'usr_b' }, 'gpt-4o', 1);
      await l.admit({ keyId: 'key_z', userId: 'usr_b' }, 'gpt-4o-mini', 1);
      assert.equal((await refusal(l.admit({ keyId: 'key_z', userId: 'usr_b' }, 'gpt-4o', 1))).refusal.label, 'user usr_b on gpt-4o');
    });

    test('the headers report the tightest limit that applied', async () => {
      const l = await limiter([
        { scope: 'key', scope_id: 'key_a', requests_per_minute: 100 },
        { scope: 'org', scope_id: 'org_1', requests_per_minute: 5 },
      ]);
      const a = await l.admit(subject, 'gpt-4o', 1);
      assert.equal(a.headers['x-ratelimit-limit-requests'], '5');
      assert.equal(a.headers['x-ratelimit-remaining-requests'], '4');
    });

    test('a refusal by one limit charges none of the others', async () => {
      const l = await limiter([
        { scope: 'key', scope_id: 'key_a', requests_per_minute: 2 },
        { scope: 'org', scope_id: 'org_1', tokens_per_minute: 100 },
      ]);
      await refusal(l.admit(subject, 'gpt-4o', 500));
      const a = await l.admit(subject, 'gpt-4o', 10);
      assert.equal(a.headers['x-ratelimit-remaining-requests'], '1', 'the refused request took no request');
    });

    test('concurrent requests: slots are held until settle or release', async () => {
      const l = await limiter([{ scope: 'key', scope_id: 'key_a', max_concurrent: 2, requests_per_minute: 1_000 }]);
      const a = await l.admit(subject, 'gpt-4o', 1);
      const b = await l.admit(subject, 'gpt-4o', 1);
      const err = await refusal(l.admit(subject, 'gpt-4o', 1));
      assert.equal(err.refusal.kind, 'concurrency');
      assert.equal(err.headers!['retry-after'], '1');
      assert.match(err.message, /on concurrent requests: Limit 2, In flight 2/);
      await a.settle(1);
      const c = await l.admit(subject, 'gpt-4o', 1);
      await b.release();
      await c.release();
      await Promise.all([l.admit(subject, 'gpt-4o', 1), l.admit(subject, 'gpt-4o', 1)]);
    });

    test('a concurrency slot refused by a requests limit is given back', async () => {
      const counters = await makeCounters();
      opened.push(counters);
      const rules = parseRateLimitRules([{ scope: 'key', scope_id: 'key_a', max_concurrent: 1, requests_per_minute: 1 }]);
      const l = new RateLimiter({ counters, rules: new RateLimitRules(rules) });
      await (await l.admit(subject, 'gpt-4o', 1)).settle(1);
      assert.equal((await refusal(l.admit(subject, 'gpt-4o', 1))).refusal.kind, 'requests');
      assert.deepEqual(await counters.usage([{ key: rules[0]!.keys.concurrency, base: 0 }]), [{ key: rules[0]!.keys.concurrency, spent: 0, reserved: 0 }]);
    });

    test('a lease not renewed (its process died) frees its slot after the TTL; a live one is renewed', async () => {
      const l = await limiter([{ scope: 'key', scope_id: 'key_a', max_concurrent: 1 }], { leaseTtlMs: 400, renewEveryMs: 100 });
      const live = await l.admit(subject, 'gpt-4o', 1);
      await sleep(1_000);
      assert.equal((await refusal(l.admit(subject, 'gpt-4o', 1))).refusal.kind, 'concurrency', 'renewed while the request runs');
      await live.settle(1);
      const dead = await limiter([{ scope: 'key', scope_id: 'key_a', max_concurrent: 1 }], { leaseTtlMs: 400, renewEveryMs: 1_000_000 });
      await dead.admit(subject, 'gpt-4o', 1);
      await refusal(dead.admit(subject, 'gpt-4o', 1));
      await sleep(450);
      await dead.admit(subject, 'gpt-4o', 1);
    });

    test('no rule: admitted without touching the counters and without headers', async () => {
      const l = await limiter([{ scope: 'key', scope_id: 'key_other', requests_per_minute: 1 }]);
      const a = await l.admit(subject, 'gpt-4o', 10);
      assert.deepEqual(a.headers, {});
      await a.settle(10);
    });
  });
}

suite('MemoryCounters', async () => new MemoryCounters());
if (redisSkip()) test('RateLimiter on Redis', { skip: redisSkip() }, () => {});
else suite('RedisCounters', () => openTestCounters());

describe('RateLimiter when the counters fail', () => {
  const broken = new MemoryCounters();
  broken.take = () => Promise.reject(new Error('ECONNREFUSED'));
  broken.reserve = () => Promise.reject(new Error('ECONNREFUSED'));
  const rules = new RateLimitRules(parseRateLimitRules([{ scope: 'key', scope_id: 'key_a', requests_per_minute: 1, max_concurrent: 1 }]));

  test('fails closed by default: 503 rate_limiter_unavailable, nothing internal in the message', async () => {
    const l = new RateLimiter({ counters: broken, rules });
    await assert.rejects(l.admit(subject, 'gpt-4o', 1), (err: RateLimitedError) => {
      assert.equal(err.status, 503);
      assert.equal(err.code, 'rate_limiter_unavailable');
      assert.ok(!err.message.includes('ECONNREFUSED'));
      return true;
    });
  });

  test('fails open when configured so', async () => {
    const l = new RateLimiter({ counters: broken, rules, onCountersError: 'open' });
    const a = await l.admit(subject, 'gpt-4o', 1);
    assert.deepEqual(a.headers, {});
  });
});

describe('rate limit rules', () => {
  test('bad rules are refused with the field that is wrong', () => {
    const cases: [unknown, RegExp][] = [
      [[{ scope: 'key', scope_id: 'key_a' }], /at least one of/],
      [[{ scope: 'key', scope_id: 'key_a', requests_per_minute: 0 }], /requests_per_minute/],
      [[{ scope: 'key', scope_id: 'key_a', requests_per_minute: 1.5 }], /requests_per_minute/],
      [[{ scope: 'key', scope_id: 'key_a', rpm: 10 }], /rpm/],
      [[{ scope: 'project', scope_id: 'p', requests_per_minute: 1 }], /scope/],
      [[{ scope: 'model', scope_id: 'gpt-4o', model: 'gpt-4o', requests_per_minute: 1 }], /model/],
      [[{ scope: 'key', scope_id: 'key_a', model: 'gpt*4o', requests_per_minute: 1 }], /model/],
      [[{ scope: 'key', scope_id: '', requests_per_minute: 1 }], /scope_id/],
    ];
    for (const [input, pattern] of cases) assert.throws(() => parseRateLimitRules(input), pattern, JSON.stringify(input));
  });

  test('rules with ids or models that contain separators never share a counter', () => {
    const [a, b] = parseRateLimitRules([
      { scope: 'key', scope_id: 'k:x', requests_per_minute: 1 },
      { scope: 'key', scope_id: 'k', model: 'x:', requests_per_minute: 1 },
    ]);
    assert.notEqual(a!.keys.requests, b!.keys.requests);
  });
});
