import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, test } from 'node:test';
import { storeKinds, type TestStore } from '../../../test/support/stores.ts';
import { MemoryCounters } from '../../state/index.ts';
import { thresholdNanos } from './budget-alerts.ts';
import { clock, insertKey, Services, usd } from '../../../test/support/budget-fixture.ts';
import { signWebhook, verifyWebhook } from './webhook-signature.ts';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local webhook receiver; `answers` are the statuses of the next requests (then 200). */
async function receiver(answers: number[] = []) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const status = answers.shift() ?? 200;
      if (status === 0) return; // never answer
      res.writeHead(status).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return {
    url,
    received,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((done) => server.close(() => done()));
    },
  };
}

const SECRET = 'whsec_test_secret';

for (const kind of storeKinds()) {
  describe(`Budget alerts on ${kind.name}`, () => {
    let t: TestStore;
    let services: Services;
    let n = 0;
    const newKey = async () => {
      const id = `key_alert_${++n}`;
      await insertKey(t.store, id);
      return id;
    };
    before(async () => {
      t = await kind.create();
      services = new Services(t);
    });
    afterEach(() => services.close());
    after(() => t.dispose());

    test('each threshold alerts once per period: stored, audited, listed, and again in the next period', async () => {
      const c = clock('2026-11-25T10:00:00Z');
      const budgets = await services.make({ now: c.now });
      const keyId = await newKey();
      const b = await budgets.create({ scope: 'key', scopeId: keyId, period: 'daily', timezone: 'UTC', limitNanos: usd(1) });
      const spend = async (d: number) => (await budgets.reserve({ keyId }, usd(d))).settle(usd(d));
      await spend(0.3);
      await spend(0.25); // 55 %: crosses 50
      await spend(0.05); // 60 %
      await budgets.flush();
      let alerts = await budgets.alerts({ budgetId: b.id });
      assert.deepEqual(alerts.map((a) => [a.kind, a.threshold, a.spent_nanos]), [['threshold', 50, usd(0.55)]]);
      await spend(0.4); // 100 %: crosses 80 and 100 in one step
      await budgets.flush();
      alerts = await budgets.alerts({ budgetId: b.id });
      assert.deepEqual(alerts.map((a) => a.threshold).sort(), [100, 50, 80]);
      assert.ok(alerts.every((a) => a.period_id === 'd:2026-11-25' && a.limit_nanos === usd(1)));
      const audit = await t.store.db.selectFrom('audit_events').selectAll().where('target', '=', b.id).where('actor', '=', 'system').where('action', 'like', 'budget.threshold%').execute();
      assert.equal(audit.length, 3);
      assert.ok(audit.every((a) => a.action === 'budget.threshold_crossed'));
      assert.equal(JSON.parse(audit[0]!.details).budget.id, b.id);

      c.set('2026-11-26T10:00:00Z');
      await spend(0.6);
      await budgets.flush();
      alerts = await budgets.alerts({ budgetId: b.id });
      assert.deepEqual(alerts.map((a) => [a.period_id, a.threshold])[0], ['d:2026-11-26', 50], 'newest first');
      assert.equal(alerts.length, 4);
    });

    test('two instances on one store (sharing counters) alert once: the unique row decides', async () => {
      const hook = await receiver();
      try {
        const c = clock('2026-11-25T10:00:00Z');
        const counters = new MemoryCounters({ now: c.now });
        const options = { now: c.now, counters, webhookUrl: hook.url, webhookSecret: SECRET, webhookRetryDelaysMs: [] };
        const a = await services.make(options);
        const b = await services.make(options);
        const keyId = await newKey();
        const budget = await a.create({ scope: 'key', scopeId: keyId, period: 'daily', timezone: 'UTC', limitNanos: usd(1), thresholds: [50] });
        await b.refresh();
        const ra = await a.reserve({ keyId }, usd(0.3));
        const rb = await b.reserve({ keyId }, usd(0.3));
        await Promise.all([ra.settle(usd(0.3)), rb.settle(usd(0.3))]);
        await (await b.reserve({ keyId }, usd(0.1))).settle(usd(0.1));
        await (await a.reserve({ keyId }, usd(0.1))).settle(usd(0.1));
        await Promise.all([a.flush(), b.flush()]);
        assert.equal((await a.alerts({ budgetId: budget.id })).length, 1);
        const audit = await t.store.db.selectFrom('audit_events').select('id').where('target', '=', budget.id).where('action', '=', 'budget.threshold_crossed').execute();
        assert.equal(audit.length, 1);
        assert.equal(hook.received.length, 1);
        await counters.close();
      } finally {
        await hook.close();
      }
    });

    test('the webhook reaches a real HTTP server with a valid HMAC signature', async () => {
      const hook = await receiver();
      try {
        const c = clock('2026-11-25T10:00:00Z');
        const budgets = await services.make({ now: c.now, webhookUrl: hook.url, webhookSecret: SECRET });
        const keyId = await newKey();
        const b = await budgets.create({ name: 'ops', scope: 'key', scopeId: keyId, period: 'monthly', timezone: 'Europe/Berlin', limitNanos: usd(10), thresholds: [80] });
        await (await budgets.reserve({ keyId }, usd(9))).settle(usd(8.5));
        await budgets.flush();
        assert.equal(hook.received.length, 1);
        const { headers, body } = hook.received[0]!;
        assert.equal(headers['content-type'], 'application/json');
        assert.equal(headers['x-tollgate-event'], 'budget.threshold_crossed');
        const sig = headers['x-tollgate-signature'] as string;
        assert.match(sig, /^t=\d+,v1=[0-9a-f]{64}$/);
        assert.equal(sig, signWebhook(body, SECRET, Math.floor(c.now() / 1000)));
        const nowSeconds = Math.floor(c.now() / 1000);
        assert.ok(verifyWebhook(body, sig, SECRET, { nowSeconds }));
        assert.ok(!verifyWebhook(body, sig, 'another secret', { nowSeconds }));
        assert.ok(!verifyWebhook(body.replace('8.50', '1.00'), sig, SECRET, { nowSeconds }), 'a changed body fails');
        assert.ok(!verifyWebhook(body, sig, SECRET, { nowSeconds: nowSeconds + 3600 }), 'an old delivery fails');
        const event = JSON.parse(body);
        assert.equal(headers['x-tollgate-delivery'], event.id);
        assert.match(event.id, /^alt_/);
        assert.equal(event.type, 'budget.threshold_crossed');
        assert.deepEqual(event.budget, { id: b.id, name: 'ops', scope: 'key', scope_id: keyId, period: 'monthly', timezone: 'Europe/Berlin', limit_usd: '10.00', thresholds: [80] });
        assert.deepEqual([event.period_id, event.threshold, event.spent_usd, event.limit_usd], ['m:2026-11', 80, '8.50', '10.00']);
        assert.equal(event.period_start, '2026-10-31T23:00:00.000Z');
        assert.equal(event.resets_at, '2026-11-30T23:00:00.000Z');
      } finally {
        await hook.close();
      }
    });

    test('a failing receiver is retried a bounded number of times; a hanging one times out; requests never wait', async () => {
      const hook = await receiver([500, 503, 200]);
      const stuck = await receiver([0, 0]);
      try {
        const c = clock('2026-11-25T10:00:00Z');
        const budgets = await services.make({ now: c.now, webhookUrl: hook.url, webhookSecret: SECRET, webhookRetryDelaysMs: [10, 10] });
        const keyId = await newKey();
        await budgets.create({ scope: 'key', scopeId: keyId, period: 'daily', timezone: 'UTC', limitNanos: usd(1), thresholds: [10] });
        await (await budgets.reserve({ keyId }, usd(0.5))).settle(usd(0.5));
        await budgets.flush();
        assert.equal(hook.received.length, 3, 'two failures, then delivered');
        assert.equal(new Set(hook.received.map((r) => r.headers['x-tollgate-delivery'])).size, 1, 'one delivery id across retries');

        const slow = await services.make({ now: c.now, webhookUrl: stuck.url, webhookTimeoutMs: 100, webhookRetryDelaysMs: [10] });
        const key2 = await newKey();
        await slow.create({ scope: 'key', scopeId: key2, period: 'daily', timezone: 'UTC', limitNanos: usd(1), thresholds: [10] });
        const started = performance.now();
        await (await slow.reserve({ keyId: key2 }, usd(0.5))).settle(usd(0.5));
        assert.ok(performance.now() - started < 50, 'settle does not wait for the webhook');
        await slow.flush();
        assert.equal(stuck.received.length, 2, 'one attempt and one retry, each timed out');
        assert.equal(stuck.received[0]!.headers['x-tollgate-signature'], undefined, 'no secret: unsigned');
      } finally {
        await hook.close();
        await stuck.close();
      }
    });

    test('the hard limit blocking a request alerts once per period', async () => {
      const hook = await receiver();
      try {
        const c = clock('2026-11-25T10:00:00Z');
        const budgets = await services.make({ now: c.now, webhookUrl: hook.url, webhookSecret: SECRET });
        const keyId = await newKey();
        const b = await budgets.create({ scope: 'key', scopeId: keyId, period: 'daily', timezone: 'UTC', limitNanos: usd(1), thresholds: [] });
        await (await budgets.reserve({ keyId }, usd(0.9))).settle(usd(0.9));
        for (let i = 0; i < 3; i++) await assert.rejects(budgets.reserve({ keyId }, usd(0.5)));
        await budgets.flush();
        const alerts = await budgets.alerts({ budgetId: b.id });
        assert.deepEqual(alerts.map((a) => [a.kind, a.threshold, a.spent_nanos]), [['blocked', 100, usd(0.9)]]);
        assert.equal(hook.received.length, 1);
        assert.equal(JSON.parse(hook.received[0]!.body).type, 'budget.limit_blocked');
        c.set('2026-11-26T10:00:00Z');
        await (await budgets.reserve({ keyId }, usd(1))).settle(usd(1));
        await assert.rejects(budgets.reserve({ keyId }, usd(0.5)));
        await budgets.flush();
        assert.equal((await budgets.alerts({ budgetId: b.id })).length, 2);
      } finally {
        await hook.close();
      }
    });
  });
}

describe('thresholdNanos', () => {
  test('rounds up and is exact for the largest limits', () => {
    assert.equal(thresholdNanos(usd(1), 50), usd(0.5));
    assert.equal(thresholdNanos(3, 50), 2);
    assert.equal(thresholdNanos(5_000_000 * 1e9, 99), 4_950_000 * 1e9);
  });
});
