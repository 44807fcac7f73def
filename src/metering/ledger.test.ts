import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { storeKinds, type TestStore } from '../../test/support/stores.ts';
import { UsageLedger } from './ledger.ts';
import type { UsageRecord } from './usage-record.ts';

function row(over: Partial<UsageRecord>): UsageRecord {
  return {
    request_id: `req_${Math.random().toString(36).slice(2)}`,
    created_at: Date.UTC(2026, 10, 1),
    key_id: 'key_a',
    org_id: null,
    team_id: null,
    user_id: null,
    endpoint: '/v1/chat/completions',
    model_requested: 'gpt-4o',
    model_served: 'gpt-4o-2024-08-06',
    status: 200,
    stream: 0,
    prompt_tokens: 10,
    cached_tokens: 0,
    completion_tokens: 5,
    reasoning_tokens: 0,
    latency_ms: 12,
    upstream_request_id: 'req_up',
    error_code: null,
    audio_in_tokens: 0,
    audio_out_tokens: 0,
    service_tier: 'default',
    cost_nanos: 7_500,
    cost_input_nanos: 1_500,
    cost_cached_nanos: 0,
    cost_cache_write_nanos: 0,
    cost_output_nanos: 6_000,
    cost_reasoning_nanos: 0,
    cost_audio_nanos: 0,
    cost_tier_discount_nanos: 0,
    estimated: 0,
    budget_periods: null,
    cache_status: null,
    cache_saved_nanos: 0,
    attempts: 1,
    deployments_tried: null,
    ...over,
  };
}

for (const kind of storeKinds()) {
  describe(`UsageLedger on ${kind.name}`, () => {
    let t: TestStore;
    let ledger: UsageLedger;
    before(async () => {
      t = await kind.create();
      ledger = new UsageLedger(t.store, pino({ level: 'silent' }), { flushIntervalMs: 10_000, batchSize: 3 });
    });
    after(async () => {
      await ledger.close();
      await t.dispose();
    });

    test('rows recorded in bursts are all written, and reads see pending rows', async () => {
      const rows = Array.from({ length: 7 }, (_, i) => row({ request_id: `req_burst_${i}`, prompt_tokens: i }));
      for (const r of rows) ledger.record(r);
      const got = await ledger.get('req_burst_6');
      assert.equal(got?.prompt_tokens, 6);
      const { totals } = await ledger.query({ limit: 100 });
      assert.equal(totals.requests, 7);
      assert.equal(totals.prompt_tokens, 0 + 1 + 2 + 3 + 4 + 5 + 6);
    });

    test('filters by key, model (requested or served) and time; totals follow the filters', async () => {
      ledger.record(row({ request_id: 'req_f1', key_id: 'key_b', model_requested: 'o3', model_served: 'o3-2025-04-16', created_at: Date.UTC(2026, 10, 2), reasoning_tokens: 40, completion_tokens: 50 }));
      ledger.record(row({ request_id: 'req_f2', key_id: 'key_b', model_requested: 'gpt-4o-mini', created_at: Date.UTC(2026, 10, 3), cached_tokens: 4 }));
      const byKey = await ledger.query({ keyId: 'key_b', limit: 100 });
      assert.deepEqual(byKey.rows.map((r) => r.request_id), ['req_f2', 'req_f1']);
      assert.equal(byKey.totals.reasoning_tokens, 40);
      assert.equal(byKey.totals.cached_tokens, 4);
      const byServed = await ledger.query({ model: 'o3-2025-04-16', limit: 100 });
      assert.deepEqual(byServed.rows.map((r) => r.request_id), ['req_f1']);
      const byTime = await ledger.query({ keyId: 'key_b', from: Date.UTC(2026, 10, 3), to: Date.UTC(2026, 10, 4), limit: 100 });
      assert.deepEqual(byTime.rows.map((r) => r.request_id), ['req_f2']);
      assert.equal(byTime.totals.requests, 1);
      const none = await ledger.query({ keyId: 'key_nobody', limit: 100 });
      assert.equal(none.totals.requests, 0);
      assert.equal(none.totals.prompt_tokens, 0);
    });

    test('a row with every field set comes back exactly as recorded', async () => {
      const columns = (await t.store.db.introspection.getTables()).find((x) => x.name === 'usage_records')!.columns.map((c) => c.name);
      let n = 1;
      const full = Object.fromEntries(columns.map((c) => [c, c === 'request_id' ? 'req_full' : c.endsWith('_nanos') || c.endsWith('_tokens') || ['created_at', 'status', 'latency_ms', 'attempts'].includes(c) ? n++ : c === 'stream' || c === 'estimated' ? 1 : `v_${c}`])) as unknown as UsageRecord;
      ledger.record(full);
      assert.deepEqual({ ...(await ledger.get('req_full')) }, { ...full }, 'no column is dropped or altered on the way in');
    });

    test('numbers come back as numbers on both dialects', async () => {
      const got = await ledger.get('req_f1');
      assert.equal(typeof got?.created_at, 'number');
      assert.equal(got?.created_at, Date.UTC(2026, 10, 2));
      assert.equal(typeof got?.latency_ms, 'number');
    });
  });
}

describe('UsageLedger on a SQLite file: the writer thread', () => {
  const rows = Array.from({ length: 1_200 }, (_, i) =>
    row({ request_id: `req_thread_${i}`, key_id: `key_${i % 3}`, created_at: Date.UTC(2026, 10, 1 + (i % 2)), prompt_tokens: i, cost_nanos: i % 7 === 0 ? null : 1_000 + i }),
  );

  async function writeAll(writerThread: boolean) {
    const t = await storeKinds()[0]!.create();
    const ledger = new UsageLedger(t.store, pino({ level: 'silent' }), { batchSize: 500, writerThread });
    for (const r of rows) ledger.record(r);
    await ledger.close();
    // Read on the store's own connection after the thread is gone: every row and day sum committed.
    const count = await t.store.db.selectFrom('usage_records').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const days = await t.store.db.selectFrom('usage_daily').selectAll().orderBy('day').orderBy('key_id').execute();
    await t.dispose();
    return { count: Number(count.n), days };
  }

  test('writes the same rows and day sums as writing on the calling thread', async () => {
    const threaded = await writeAll(true);
    const inline = await writeAll(false);
    assert.equal(threaded.count, rows.length);
    assert.equal(threaded.days.length, 6);
    assert.deepEqual(threaded.days, inline.days);
    const sum = threaded.days.reduce((s, d) => s + Number(d.prompt_tokens), 0);
    assert.equal(sum, (rows.length * (rows.length - 1)) / 2);
  });
});
