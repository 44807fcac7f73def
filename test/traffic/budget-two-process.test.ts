import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { insertKey, silent, usd } from '../support/budget-fixture.ts';
import { createBudgetService } from '../../src/metering/budgets/index.ts';
import { freshPrefix, openTestCounters, redisSkip } from '../support/redis.ts';
import { storeKinds, type TestStore } from '../support/stores.ts';
import { startWorker } from '../support/worker-process.ts';

const WORKER = join(import.meta.dirname, 'workers/budget-worker.ts');
const WORST = usd(0.02);
const LIMIT = 50 * WORST;

/*
 * Issue 11: "200 concurrent requests split across two processes never spend past the limit". Two OS
 * processes, each a BudgetService on the same store and the same Redis counters (no HTTP: the
 * gateway wiring comes later). With per-process counters each would admit 50, 100 in all.
 */
for (const kind of storeKinds()) {
  describe(`one budget held by two processes sharing Redis (${kind.name})`, { skip: redisSkip() }, () => {
    let t: TestStore;
    before(async () => {
      t = await kind.create();
    });
    after(async () => {
      await t?.dispose();
    });

    test('200 concurrent requests split across two processes: exactly the 50 the budget has room for pass', async () => {
      await insertKey(t.store, 'key_shared');
      const setup = await createBudgetService(t.store, { log: silent });
      const budget = await setup.create({ scope: 'key', scopeId: 'key_shared', period: 'daily', timezone: 'UTC', limitNanos: LIMIT });
      await setup.close();

      const prefix = freshPrefix();
      const env = {
        ...(t.databaseUrl ? { DATABASE_URL: t.databaseUrl } : { SQLITE_PATH: join(t.dataDir, 'tollgate.db') }),
        COUNTERS_PREFIX: prefix,
        KEY_ID: 'key_shared',
        WORST: String(WORST),
        REQUESTS: '100',
      };
      const workers = [startWorker(WORKER, env), startWorker(WORKER, env)];
      await Promise.all(workers.map((w) => w.waitFor(/^ready$/, 60_000)));
      for (const w of workers) w.send('go');
      const results = await Promise.all(workers.map(async (w) => JSON.parse(await w.waitFor(/^\{/, 120_000)) as { admitted: number; refused: number; other: string[] }));
      assert.deepEqual(results.flatMap((r) => r.other), []);
      // Each process tried 100 times; with counters of its own each would admit 50.
      assert.ok(results.every((r) => r.admitted + r.refused === 100));
      assert.equal(results[0]!.admitted + results[1]!.admitted, 50, `admitted ${results.map((r) => r.admitted).join(' + ')}`);

      const counters = await openTestCounters({ prefix });
      try {
        const service = await createBudgetService(t.store, { log: silent, counters });
        const [s] = await service.statuses([budget]);
        await service.close();
        assert.equal(s!.spent, LIMIT, 'spent in Redis is the limit, not past it');
        assert.equal(s!.reserved, 0);
      } finally {
        await counters.close();
      }
      const rows = await t.store.db.selectFrom('budget_spend').selectAll().where('budget_id', '=', budget.id).execute();
      assert.equal(rows.reduce((sum, r) => sum + Number(r.spent_nanos), 0), LIMIT, 'the store agrees: no increment lost between processes');
    });
  });
}
