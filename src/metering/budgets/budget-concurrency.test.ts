import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, afterEach, before, describe, test } from 'node:test';
import { storeKinds, type TestStore } from '../../../test/support/stores.ts';
import type { Nanos } from '../../money/index.ts';
import { MemoryCounters, type CounterEntry, type ReserveOptions, type SettleResult } from '../../state/index.ts';
import { BudgetExceededError } from './budget-exceeded-error.ts';
import type { BudgetService } from './budget-service.ts';
import { insertKey, Services, usd } from '../../../test/support/budget-fixture.ts';

/**
 * MemoryCounters that records the committed amount (spent + reserved) of every key right after each
 * change. MemoryCounters' methods run synchronously when called, so the reading is exact: the state
 * just after that change, before anything else can run.
 */
class WatchedCounters extends MemoryCounters {
  readonly peak = new Map<string, Nanos>();

  override reserve(entries: readonly CounterEntry[], amount: Nanos, options?: ReserveOptions) {
    const result = super.reserve(entries, amount, options);
    void this.watch(entries);
    return result;
  }

  override settle(id: string, actual: Nanos, entries: readonly CounterEntry[]): Promise<SettleResult> {
    const result = super.settle(id, actual, entries);
    void this.watch(entries);
    return result;
  }

  private async watch(entries: readonly CounterEntry[]) {
    for (const u of await this.usage(entries)) this.peak.set(u.key, Math.max(this.peak.get(u.key) ?? 0, u.spent + u.reserved));
  }
}

const WORST = usd(0.02);
const LIMIT = 50 * WORST;

interface Flow {
  admitted: number;
  refused: number;
  other: unknown[];
}

/** 200 requests: (optional staggered start) → reserve → upstream delay → settle; refusals must be budget_exceeded. */
async function run200(services: BudgetService[], actual: () => Nanos, stagger: boolean): Promise<Flow> {
  const flow: Flow = { admitted: 0, refused: 0, other: [] };
  await Promise.all(
    Array.from({ length: 200 }, async (_, i) => {
      if (stagger) await sleep(Math.floor(Math.random() * 20));
      const budgets = services[i % services.length]!;
      let r;
      try {
        r = await budgets.reserve({ keyId: 'key_hot' }, WORST);
      } catch (err) {
        if (err instanceof BudgetExceededError) flow.refused++;
        else flow.other.push(err);
        return;
      }
      flow.admitted++;
      await sleep(1 + Math.floor(Math.random() * 10));
      await r.settle(actual());
    }),
  );
  return flow;
}

for (const kind of storeKinds()) {
  describe(`Budget concurrency on ${kind.name}`, () => {
    let t: TestStore;
    let services: Services;
    before(async () => {
      t = await kind.create();
      await insertKey(t.store, 'key_hot');
      services = new Services(t);
    });
    afterEach(async () => {
      await services.close();
      await t.store.db.deleteFrom('budgets').execute();
      await t.store.db.deleteFrom('budget_spend').execute();
    });
    after(async () => {
      await t.dispose();
    });

    async function setup(instances: number) {
      const counters = new WatchedCounters();
      const list: BudgetService[] = [];
      for (let i = 0; i < instances; i++) list.push(await services.make({ counters }));
      const budget = await list[0]!.create({ scope: 'key', scopeId: 'key_hot', period: 'daily', timezone: 'UTC', limitNanos: LIMIT });
      for (const s of list) await s.refresh();
      return { counters, list, budget };
    }

    async function storedSpend(budgetId: string): Promise<Nanos> {
      const rows = await t.store.db.selectFrom('budget_spend').selectAll().where('budget_id', '=', budgetId).execute();
      return rows.reduce((sum, r) => sum + Number(r.spent_nanos), 0);
    }

    test('200 concurrent requests against a budget for 50: exactly 50 pass, never more is held than the limit', async () => {
      const { counters, list, budget } = await setup(1);
      const flow = await run200(list, () => WORST, false);
      assert.deepEqual(flow.other, []);
      assert.equal(flow.admitted, 50);
      assert.equal(flow.refused, 150);
      const [s] = await list[0]!.statuses([budget]);
      assert.equal(s?.spent, LIMIT);
      assert.equal(s?.reserved, 0);
      const peak = [...counters.peak.values()];
      assert.equal(peak.length, 1);
      assert.ok(peak[0]! <= LIMIT, `peak committed ${peak[0]} exceeds the limit ${LIMIT}`);
      await list[0]!.flush();
      assert.equal(await storedSpend(budget.id), LIMIT, 'the store agrees with the counters');
    });

    test('staggered requests costing less than their worst case: more may pass, the limit still holds', async () => {
      const { counters, list, budget } = await setup(1);
      const flow = await run200(list, () => Math.floor(Math.random() * WORST), true);
      assert.deepEqual(flow.other, []);
      assert.equal(flow.admitted + flow.refused, 200);
      assert.ok(flow.admitted >= 50, `only ${flow.admitted} admitted`);
      const [s] = await list[0]!.statuses([budget]);
      assert.ok(s!.spent <= LIMIT);
      assert.equal(s?.reserved, 0);
      assert.ok([...counters.peak.values()][0]! <= LIMIT);
      await list[0]!.flush();
      assert.equal(await storedSpend(budget.id), s?.spent);
    });

    test('two gateway instances sharing counters: together they hold the same limit', async () => {
      const { counters, list, budget } = await setup(2);
      const flow = await run200(list, () => WORST, true);
      assert.deepEqual(flow.other, []);
      assert.equal(flow.admitted, 50);
      assert.ok([...counters.peak.values()][0]! <= LIMIT);
      for (const s of list) await s.flush();
      assert.equal(await storedSpend(budget.id), LIMIT, 'no increment lost between instances');
    });
  });
}
