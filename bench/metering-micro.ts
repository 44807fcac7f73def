// In-process cost of the meter stages on one request: budget reservation (prompt tokenized, worst
// case priced, counters reserved) and completion (cost computed, reservation settled). CPU time per
// request is repeatable on a busy machine, unlike the throughput of separate processes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createBudgetService } from '../src/metering/budgets/index.ts';
import { Meter, type MeteredRequest } from '../src/metering/meter.ts';
import { loadPriceCatalog } from '../src/metering/prices/index.ts';
import { openStore } from '../src/state/index.ts';

export interface MeterMicroResult {
  requests: number;
  /** CPU µs per request for reserve + complete with one budget. */
  withBudgetUs: number;
  /** CPU µs per request for complete alone (metering on, no budget applies). */
  withoutBudgetUs: number;
}

export async function measureMeterCpu(body: Record<string, unknown>, requests = 20_000): Promise<MeterMicroResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-meter-bench-'));
  const store = openStore({ sqlitePath: join(dir, 'tollgate.db') });
  await store.migrate();
  await store.db
    .insertInto('api_keys')
    .values({ id: 'key_bench', name: 'bench', prefix: 'tg-bench', hash: 'x', owner: null, role: 'user', allowed_models: null, created_at: Date.now(), last_used_at: null, expires_at: null, revoked_at: null })
    .execute();
  const catalog = await loadPriceCatalog(store);
  const budgets = await createBudgetService(store, { log: pino({ level: 'silent' }) });
  await budgets.create({ name: 'bench', scope: 'key', scopeId: 'key_bench', period: 'daily', timezone: 'UTC', limitNanos: 1e15, thresholds: [] });
  const meter = new Meter({ catalog, budgets });
  const request = (keyId: string): MeteredRequest => ({
    endpoint: '/v1/chat/completions',
    receivedAt: Date.now(),
    principal: { keyId },
    modelRequested: 'gpt-4o-mini',
    modelServed: 'gpt-4o-mini-2024-07-18',
    stream: false,
    body: structuredClone(body),
    usage: undefined,
    upstreamStatus: 200,
    serviceTier: 'default',
    streamedText: '',
    errorCode: null,
    metering: undefined,
  });
  const usage = { prompt: 25, cached: 0, completion: 12, reasoning: 0, audioIn: 0, audioOut: 0 };
  const run = async (keyId: string) => {
    for (let i = 0; i < 2_000; i++) {
      const r = request(keyId);
      await meter.reserve(r);
      r.usage = usage;
      meter.complete(r);
    }
    const start = process.cpuUsage();
    for (let i = 0; i < requests; i++) {
      const r = request(keyId);
      await meter.reserve(r);
      r.usage = usage;
      meter.complete(r);
    }
    const used = process.cpuUsage(start);
    return (used.user + used.system) / requests;
  };
  const withBudgetUs = await run('key_bench');
  const withoutBudgetUs = await run('key_unbudgeted');
  await budgets.close();
  catalog.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return { requests, withBudgetUs, withoutBudgetUs };
}
