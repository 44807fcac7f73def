/**
 * One "gateway instance" for the two-process budget test: a BudgetService on the shared store and the
 * shared Redis counters, with no HTTP. Prints `ready`, waits for a line on stdin, makes REQUESTS concurrent
 * (staggered over 20 ms) reserve → (upstream delay) → settle(WORST) flows, flushes its spend to the store and prints
 * `{admitted, refused, other}` as one JSON line.
 */
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { BudgetExceededError, createBudgetService } from '../../../src/metering/budgets/index.ts';
import { connectRedisCounters } from '../../../src/state/counters/redis-counters.ts';
import { openStore } from '../../../src/state/index.ts';

const env = process.env;
const store = openStore(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { sqlitePath: env.SQLITE_PATH! });
const counters = await connectRedisCounters(env.TOLLGATE_TEST_REDIS_URL!, { prefix: env.COUNTERS_PREFIX! });
const budgets = await createBudgetService(store, { counters, log: pino({ level: 'silent' }) });
const worst = Number(env.WORST);
process.stdout.write('ready\n');
await once(process.stdin, 'data');
process.stdin.destroy();

const out = { admitted: 0, refused: 0, other: [] as string[] };
await Promise.all(
  Array.from({ length: Number(env.REQUESTS) }, async () => {
    await sleep(Math.floor(Math.random() * 20));
    let r;
    try {
      r = await budgets.reserve({ keyId: env.KEY_ID! }, worst);
    } catch (err) {
      if (err instanceof BudgetExceededError) out.refused++;
      else out.other.push(String(err));
      return;
    }
    out.admitted++;
    await sleep(1 + Math.floor(Math.random() * 10));
    await r.settle(worst);
  }),
);
await budgets.flush();
await budgets.close();
await counters.close();
await store.close();
process.stdout.write(`${JSON.stringify(out)}\n`);
