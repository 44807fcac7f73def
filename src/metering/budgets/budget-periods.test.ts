import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { storeKinds, type TestStore } from '../../../test/support/stores.ts';
import { BudgetExceededError } from './budget-exceeded-error.ts';
import { clock, insertKey, Services, usd } from '../../../test/support/budget-fixture.ts';

for (const kind of storeKinds()) {
  describe(`Budget periods on ${kind.name}`, () => {
    let t: TestStore;
    let services: Services;
    before(async () => {
      t = await kind.create();
      for (const id of ['key_night', 'key_dst', 'key_week']) await insertKey(t.store, id);
      services = new Services(t);
    });
    afterEach(() => services.close());
    after(() => t.dispose());

    test('a request that straddles midnight in Berlin is charged to the day it started; the new day starts at 0', async () => {
      const c = clock('2026-11-25T23:59:59.900+01:00');
      const budgets = await services.make({ now: c.now });
      const b = await budgets.create({ scope: 'key', scopeId: 'key_night', period: 'daily', timezone: 'Europe/Berlin', limitNanos: usd(1) });
      await (await budgets.reserve({ keyId: 'key_night' }, usd(0.5))).settle(usd(0.5));
      const r = await budgets.reserve({ keyId: 'key_night' }, usd(0.5));
      assert.deepEqual(r.periods, [`${b.id}:d:2026-11-25`]);

      c.set('2026-11-26T00:00:00.200+01:00');
      const [fresh] = await budgets.statuses([b]);
      assert.equal(fresh?.period.id, 'd:2026-11-26');
      assert.deepEqual([fresh?.spent, fresh?.reserved], [0, 0], 'the in-flight request does not hold the new day');
      const today = await budgets.reserve({ keyId: 'key_night' }, usd(1));
      assert.deepEqual(today.periods, [`${b.id}:d:2026-11-26`]);
      await today.release();

      assert.equal((await r.settle(usd(0.4))).charged, usd(0.4));
      const [after] = await budgets.statuses([b]);
      assert.deepEqual([after?.period.id, after?.spent], ['d:2026-11-26', 0]);
      const [yesterday] = await budgets.statuses([b], Date.parse('2026-11-25T12:00:00+01:00'));
      assert.deepEqual([yesterday?.period.id, yesterday?.spent, yesterday?.reserved], ['d:2026-11-25', usd(0.9), 0]);
      await budgets.flush();
      const rows = await t.store.db.selectFrom('budget_spend').select(['period_id', 'spent_nanos']).where('budget_id', '=', b.id).execute();
      assert.deepEqual(rows, [{ period_id: 'd:2026-11-25', spent_nanos: usd(0.9) }]);
    });

    test('on the 25-hour autumn day, 23:30 local time is still the same day and the reset is at local midnight', async () => {
      const c = clock('2026-10-25T23:30:00+01:00');
      const budgets = await services.make({ now: c.now });
      const b = await budgets.create({ scope: 'key', scopeId: 'key_dst', period: 'daily', timezone: 'Europe/Berlin', limitNanos: usd(1) });
      await (await budgets.reserve({ keyId: 'key_dst' }, usd(1))).settle(usd(1));
      let err: unknown;
      await budgets.reserve({ keyId: 'key_dst' }, 1).catch((e: unknown) => (err = e));
      assert.ok(err instanceof BudgetExceededError);
      assert.equal(err.periodId, 'd:2026-10-25');
      assert.equal(err.resetsAt, Date.parse('2026-10-26T00:00:00+01:00'));
      assert.equal(err.headers?.['retry-after'], '1800');
      const [s] = await budgets.statuses([b]);
      assert.equal(s?.period.start, Date.parse('2026-10-25T00:00:00+02:00'));
      assert.equal(s!.period.end! - s!.period.start!, 25 * 3_600_000);
      c.set('2026-10-26T00:00:00+01:00');
      await (await budgets.reserve({ keyId: 'key_dst' }, usd(1))).release();
    });

    test('a weekly budget spans the DST switch and resets on Monday at local midnight', async () => {
      const c = clock('2026-10-19T00:30:00+02:00'); // Monday of ISO week 43
      const budgets = await services.make({ now: c.now });
      const b = await budgets.create({ scope: 'key', scopeId: 'key_week', period: 'weekly', timezone: 'Europe/Berlin', limitNanos: usd(1) });
      await (await budgets.reserve({ keyId: 'key_week' }, usd(0.6))).settle(usd(0.6));
      c.set('2026-10-25T23:59:00+01:00'); // Sunday, after the switch to CET
      const [s] = await budgets.statuses([b]);
      assert.deepEqual([s?.period.id, s?.spent], ['w:2026-W43', usd(0.6)]);
      assert.equal(s?.period.end, Date.parse('2026-10-26T00:00:00+01:00'));
      await assert.rejects(budgets.reserve({ keyId: 'key_week' }, usd(0.5)), BudgetExceededError);
      c.set('2026-10-26T00:00:00+01:00');
      const r = await budgets.reserve({ keyId: 'key_week' }, usd(0.5));
      assert.deepEqual(r.periods, [`${b.id}:w:2026-W44`]);
      await r.release();
    });
  });
}
