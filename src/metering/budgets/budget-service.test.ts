import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { storeKinds, type TestStore } from '../../../test/support/stores.ts';
import { TollgateError } from '../../errors/index.ts';
import { MemoryCounters } from '../../state/counters/index.ts';
import { BudgetExceededError } from './budget-exceeded-error.ts';
import { clock, countingStore, insertKey, Services, usd } from '../../../test/support/budget-fixture.ts';

async function rejects429(p: Promise<unknown>): Promise<BudgetExceededError> {
  let caught: unknown;
  await assert.rejects(p, (err: unknown) => {
    caught = err;
    return err instanceof BudgetExceededError && err.status === 429 && err.code === 'budget_exceeded';
  });
  return caught as BudgetExceededError;
}

for (const kind of storeKinds()) {
  describe(`BudgetService on ${kind.name}`, () => {
    let t: TestStore;
    let services: Services;
    const c = clock('2026-11-25T12:00:00Z');
    before(async () => {
      t = await kind.create();
      for (const id of ['key_a', 'key_b', 'key_c', 'key_d', 'key_e', 'key_f', 'key_g']) await insertKey(t.store, id);
      services = new Services(t);
    });
    afterEach(async () => {
      await services.close();
      c.set('2026-11-25T12:00:00Z');
    });
    after(async () => {
      await t.dispose();
    });

    test('create, list, get, change and delete a budget; each change is audited', async () => {
      const budgets = await services.make({ now: c.now });
      const b = await budgets.create({ scope: 'key', scopeId: 'key_a', period: 'daily', timezone: 'europe/berlin', limitNanos: usd(5) });
      assert.match(b.id, /^bud_[0-9a-f]{24}$/);
      assert.equal(b.timezone, 'Europe/Berlin');
      assert.deepEqual(b.thresholds, [50, 80, 100]);
      assert.equal(b.name, 'daily key budget for key_a');
      assert.deepEqual((await budgets.list()).map((x) => x.id), [b.id]);
      assert.deepEqual(await budgets.get(b.id), b);
      c.advance(1000);
      const changed = await budgets.update(b.id, { limitNanos: usd(7), thresholds: [90], name: 'ops' });
      assert.equal(changed?.limitNanos, usd(7));
      assert.deepEqual(changed?.thresholds, [90]);
      assert.equal(changed?.updatedAt, b.createdAt + 1000);
      assert.deepEqual(await budgets.get(b.id), changed);
      assert.equal(await budgets.update('bud_nope', { limitNanos: 1 }), undefined);
      assert.equal((await budgets.delete(b.id))?.id, b.id);
      assert.equal(await budgets.get(b.id), undefined);
      assert.equal(await budgets.delete(b.id), undefined);
      assert.deepEqual(budgets.budgetsFor({ keyId: 'key_a' }), []);
      const audit = await t.store.db.selectFrom('audit_events').selectAll().where('target', '=', b.id).orderBy('at').execute();
      assert.deepEqual(audit.map((a) => [a.actor, a.action]), [
        ['system', 'budget.created'],
        ['system', 'budget.updated'],
        ['system', 'budget.deleted'],
      ]);
      assert.deepEqual(JSON.parse(audit[1]!.details).limit_nanos, { from: usd(5), to: usd(7) });
      assert.deepEqual([JSON.parse(audit[1]!.before!).limit_usd, JSON.parse(audit[1]!.after!).limit_usd], ['5.00', '7.00']);
      assert.equal(audit[0]!.before, null);
      assert.equal(audit[2]!.after, null);
    });

    test('a key budget must name an existing key; user, team and org budgets apply to requests that carry those ids', async () => {
      const budgets = await services.make({ now: c.now });
      await assert.rejects(budgets.create({ scope: 'key', scopeId: 'key_missing', period: 'daily', timezone: 'UTC', limitNanos: 1 }), (err: unknown) => {
        return err instanceof TollgateError && err.status === 400 && err.param === 'scope_id';
      });
      await assert.rejects(budgets.create({ scope: 'key', scopeId: 'key_a', period: 'daily', timezone: 'Mars/Base', limitNanos: 1 }), (err: unknown) => {
        return err instanceof TollgateError && err.status === 400 && err.param === 'timezone';
      });
      const u = await budgets.create({ scope: 'user', scopeId: 'usr_1', period: 'monthly', timezone: 'UTC', limitNanos: 0 });
      assert.deepEqual(budgets.budgetsFor({ keyId: 'key_a' }), [], 'a request without a user is not affected');
      assert.deepEqual(budgets.budgetsFor({ keyId: 'key_a', userId: 'usr_1' }).map((x) => x.id), [u.id]);
      await rejects429(budgets.reserve({ keyId: 'key_a', userId: 'usr_1' }, 1));
      await budgets.delete(u.id);
    });

    test('the hard limit answers 429 budget_exceeded naming budget, spent, limit and reset', async () => {
      const budgets = await services.make({ now: c.now });
      const b = await budgets.create({ name: 'support bot', scope: 'key', scopeId: 'key_b', period: 'daily', timezone: 'Europe/Berlin', limitNanos: usd(1) });
      const r = await budgets.reserve({ keyId: 'key_b' }, usd(0.6));
      await r.settle(usd(0.6));
      const held = await budgets.reserve({ keyId: 'key_b' }, usd(0.1));
      const err = await rejects429(budgets.reserve({ keyId: 'key_b' }, usd(0.35)));
      assert.equal(err.type, 'rate_limit_error');
      assert.equal(err.toBody().error.type, 'insufficient_quota');
      assert.equal(err.toBody().error.code, 'budget_exceeded');
      assert.equal(err.budgetId, b.id);
      assert.equal(err.spent, usd(0.6));
      assert.equal(err.reserved, usd(0.1));
      assert.match(err.message, /'support bot' \(bud_[0-9a-f]+\)/);
      assert.match(err.message, /\$0\.60 spent of its \$1\.00 daily limit/);
      assert.match(err.message, /\$0\.10 is held by requests in flight/);
      assert.match(err.message, /may cost up to \$0\.35/);
      assert.match(err.message, /resets at 2026-11-25T23:00:00\.000Z/);
      // 12:00Z → 23:00Z is 11 hours.
      assert.equal(err.headers?.['retry-after'], String(11 * 3600));
      await held.release();
      assert.ok(await budgets.reserve({ keyId: 'key_b' }, usd(0.35)), 'released money is available again');
    });

    test('a total budget never resets: no Retry-After, and no retrying', async () => {
      const budgets = await services.make({ now: c.now });
      await budgets.create({ scope: 'key', scopeId: 'key_c', period: 'total', timezone: 'UTC', limitNanos: usd(1) });
      const err = await rejects429(budgets.reserve({ keyId: 'key_c' }, usd(2)));
      assert.deepEqual(err.headers, { 'x-should-retry': 'false' });
      assert.match(err.message, /does not reset/);
      assert.equal(err.resetsAt, null);
    });

    test('all budgets of a request are checked together: the tighter one blocks, none is charged', async () => {
      const budgets = await services.make({ now: c.now });
      const daily = await budgets.create({ scope: 'key', scopeId: 'key_d', period: 'daily', timezone: 'UTC', limitNanos: usd(1) });
      const monthly = await budgets.create({ scope: 'key', scopeId: 'key_d', period: 'monthly', timezone: 'UTC', limitNanos: usd(1.5) });
      await (await budgets.reserve({ keyId: 'key_d' }, usd(0.9))).settle(usd(0.9));
      const err = await rejects429(budgets.reserve({ keyId: 'key_d' }, usd(0.2)));
      assert.equal(err.budgetId, daily.id);
      c.set('2026-11-26T12:00:00Z');
      const r = await budgets.reserve({ keyId: 'key_d' }, usd(0.5));
      assert.deepEqual([...r.periods].sort(), [`${daily.id}:d:2026-11-26`, `${monthly.id}:m:2026-11`].sort());
      assert.deepEqual(budgets.periodsOf(r), r.periods);
      await r.settle(usd(0.5));
      const err2 = await rejects429(budgets.reserve({ keyId: 'key_d' }, usd(0.2)));
      assert.equal(err2.budgetId, monthly.id, 'a new day, but the month is spent');
      const [d, m] = await budgets.statuses([daily, monthly]);
      assert.equal(d?.spent, usd(0.5));
      assert.equal(m?.spent, usd(1.4));
      assert.equal(m?.reserved, 0, 'a refused reservation holds nothing');
    });

    test('settle and release are idempotent; the first one decides', async () => {
      const budgets = await services.make({ now: c.now });
      const b = await budgets.create({ scope: 'key', scopeId: 'key_e', period: 'daily', timezone: 'UTC', limitNanos: usd(1) });
      const r = await budgets.reserve({ keyId: 'key_e' }, usd(0.5));
      assert.equal(r.state, 'reserved');
      const [first, second] = await Promise.all([r.settle(usd(0.25)), r.settle(usd(0.25))]);
      assert.deepEqual(first, { charged: usd(0.25), unpriced: false, late: false });
      assert.deepEqual(second, first);
      await r.release();
      assert.equal(r.state, 'settled');
      const r2 = await budgets.reserve({ keyId: 'key_e' }, usd(0.5));
      await r2.release();
      await r2.release();
      assert.deepEqual(await r2.settle(usd(0.5)), { charged: 0, unpriced: false, late: false });
      const [s] = await budgets.statuses([b]);
      assert.deepEqual([s?.spent, s?.reserved], [usd(0.25), 0]);
      await assert.rejects(budgets.reserve({ keyId: 'key_e' }, -1), RangeError);
      const r3 = await budgets.reserve({ keyId: 'key_e' }, 1);
      assert.throws(() => void r3.settle(-5), RangeError);
      assert.throws(() => void r3.settle(0.5), RangeError);
      await r3.release();
    });

    test('an unknown cost charges nothing but is counted as unpriced; a request with no budget is free', async () => {
      const budgets = await services.make({ now: c.now });
      const b = await budgets.create({ scope: 'key', scopeId: 'key_f', period: 'daily', timezone: 'UTC', limitNanos: usd(1) });
      const r = await budgets.reserve({ keyId: 'key_f' }, 0);
      assert.deepEqual(await r.settle(null), { charged: 0, unpriced: true, late: false });
      const [s] = await budgets.statuses([b]);
      assert.equal(s?.spent, 0);
      assert.equal(s?.unpricedRequests, 1);
      await budgets.flush();
      const row = await t.store.db.selectFrom('budget_spend').selectAll().where('budget_id', '=', b.id).executeTakeFirstOrThrow();
      assert.equal(row.unpriced_requests, 1);
      const none = await budgets.reserve({ keyId: 'key_without_budgets' }, usd(100));
      assert.equal(none.id, null);
      assert.deepEqual(none.periods, []);
      assert.deepEqual(await none.settle(usd(100)), { charged: 0, unpriced: false, late: false });
    });

    test('a reservation whose request died is released when its lease expires', async () => {
      const budgets = await services.make({ now: c.now, leaseTtlMs: 60_000 });
      const b = await budgets.create({ scope: 'key', scopeId: 'key_g', period: 'total', timezone: 'UTC', limitNanos: usd(1) });
      const dead = await budgets.reserve({ keyId: 'key_g' }, usd(1));
      await rejects429(budgets.reserve({ keyId: 'key_g' }, usd(0.1)));
      c.advance(59_000);
      assert.equal(await dead.renew(), true, 'a live lease can be renewed');
      c.advance(59_000);
      await rejects429(budgets.reserve({ keyId: 'key_g' }, usd(0.1)));
      c.advance(2_000);
      const fresh = await budgets.reserve({ keyId: 'key_g' }, usd(0.1));
      assert.equal(await dead.renew(), false);
      await fresh.settle(usd(0.1));
      const late = await dead.settle(usd(0.2));
      assert.deepEqual(late, { charged: usd(0.2), unpriced: false, late: true }, 'a late settle still charges what was spent');
      const [s] = await budgets.statuses([b]);
      assert.deepEqual([s?.spent, s?.reserved], [usd(0.3), 0]);
    });

    test('a change of limit applies to the next request', async () => {
      const budgets = await services.make({ now: c.now });
      await insertKey(t.store, 'key_h');
      const b = await budgets.create({ scope: 'key', scopeId: 'key_h', period: 'daily', timezone: 'UTC', limitNanos: usd(10) });
      await (await budgets.reserve({ keyId: 'key_h' }, usd(2))).settle(usd(2));
      await budgets.update(b.id, { limitNanos: usd(2) });
      await rejects429(budgets.reserve({ keyId: 'key_h' }, 0));
      await budgets.update(b.id, { limitNanos: usd(3) });
      await (await budgets.reserve({ keyId: 'key_h' }, usd(1))).release();
    });

    test('spend is stored and loaded again by a new instance (restart)', async () => {
      await insertKey(t.store, 'key_i');
      const first = await services.make({ now: c.now });
      const b = await first.create({ scope: 'key', scopeId: 'key_i', period: 'monthly', timezone: 'UTC', limitNanos: usd(1) });
      for (let i = 0; i < 3; i++) await (await first.reserve({ keyId: 'key_i' }, usd(0.25))).settle(usd(0.25));
      await services.close();
      const rows = await t.store.db.selectFrom('budget_spend').selectAll().where('budget_id', '=', b.id).execute();
      assert.deepEqual(rows.map((r) => [r.period_id, r.spent_nanos]), [['m:2026-11', usd(0.75)]]);
      const second = await services.make({ now: c.now });
      const [s] = await second.statuses((await second.list()).filter((x) => x.id === b.id));
      assert.equal(s?.spent, usd(0.75));
      await rejects429(second.reserve({ keyId: 'key_i' }, usd(0.3)));
      await (await second.reserve({ keyId: 'key_i' }, usd(0.25))).settle(usd(0.25));
      await second.flush();
      const row = await t.store.db.selectFrom('budget_spend').selectAll().where('budget_id', '=', b.id).executeTakeFirstOrThrow();
      assert.equal(row.spent_nanos, usd(1));
    });

    test('budgets created by another instance show up after a reload', async () => {
      await insertKey(t.store, 'key_j');
      const a = await services.make({ now: c.now });
      const b = await services.make({ now: c.now });
      const created = await a.create({ scope: 'key', scopeId: 'key_j', period: 'daily', timezone: 'UTC', limitNanos: 0 });
      assert.deepEqual(b.budgetsFor({ keyId: 'key_j' }), []);
      await b.refresh();
      assert.deepEqual(b.budgetsFor({ keyId: 'key_j' }).map((x) => x.id), [created.id]);
    });

    test('the hot path (budgetsFor, reserve, settle, release) makes no database query', async () => {
      await insertKey(t.store, 'key_k');
      const counted = countingStore(t.store);
      const budgets = await services.make({ now: c.now, spendFlushMs: 60_000 }, counted.store);
      await budgets.create({ scope: 'key', scopeId: 'key_k', period: 'daily', timezone: 'UTC', limitNanos: usd(1) });
      const before = counted.queries();
      for (let i = 0; i < 20; i++) {
        assert.equal(budgets.budgetsFor({ keyId: 'key_k' }).length, 1);
        const r = await budgets.reserve({ keyId: 'key_k' }, usd(0.01));
        if (i % 2 === 0) await r.settle(usd(0.01));
        else await r.release();
      }
      assert.equal(counted.queries(), before);
      await budgets.flush();
      assert.ok(counted.queries() > before, 'spend is written by the flush');
    });

    test('several services may share one set of counters (as instances share Redis)', async () => {
      await insertKey(t.store, 'key_l');
      const counters = new MemoryCounters();
      const a = await services.make({ now: c.now, counters });
      const b = await services.make({ now: c.now, counters });
      await a.create({ scope: 'key', scopeId: 'key_l', period: 'daily', timezone: 'UTC', limitNanos: usd(1) });
      await b.refresh();
      const ra = await a.reserve({ keyId: 'key_l' }, usd(0.7));
      await rejects429(b.reserve({ keyId: 'key_l' }, usd(0.7)));
      await ra.settle(usd(0.7));
      await (await b.reserve({ keyId: 'key_l' }, usd(0.3))).settle(usd(0.3));
      await rejects429(a.reserve({ keyId: 'key_l' }, 0));
      await counters.close();
    });
  });
}
