// How long the SQLite ledger blocks the event loop: records rows at a steady 1,000 per second for a
// few seconds (as a gateway at 1,000 req/s does) and reports the event loop's delay percentiles.
// Run alone: node --import tsx bench/ledger-stall.ts [seconds]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pino from 'pino';
import { UsageLedger } from '../src/metering/ledger.ts';
import type { UsageRecord } from '../src/metering/usage-record.ts';
import { openStore } from '../src/state/index.ts';

export interface LedgerStall {
  /** Whether the SQLite writer thread wrote the batches (else the event loop's thread did). */
  writerThread: boolean;
  rows: number;
  /** Busy time of the event loop's thread per 1,000 rows recorded (eventLoopUtilization). */
  busyMsPer1k: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Records `perSecond` rows per second for `seconds` into a fresh SQLite store; event loop delay while doing so. */
export async function measureLedgerStall(seconds = 8, perSecond = 1_000, writerThread = true): Promise<LedgerStall> {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-ledger-stall-'));
  const store = openStore({ sqlitePath: join(dir, 'tollgate.db') });
  await store.migrate();
  const ledger = new UsageLedger(store, pino({ level: 'silent' }), { writerThread });
  let n = 0;
  const row = (): UsageRecord => ({
    request_id: `req_${(n++).toString(16).padStart(32, '0')}`,
    created_at: Date.now(),
    key_id: 'key_0123456789abcdef01234567',
    org_id: 'org_0123456789abcdef01234567',
    team_id: 'team_0123456789abcdef01234567',
    user_id: null,
    endpoint: '/v1/chat/completions',
    model_requested: 'gpt-4o-mini',
    model_served: 'gpt-4o-mini-2024-07-18',
    status: 200,
    stream: 0,
    prompt_tokens: 25,
    cached_tokens: 0,
    completion_tokens: 40,
    reasoning_tokens: 0,
    audio_in_tokens: 0,
    audio_out_tokens: 0,
    latency_ms: 3,
    upstream_request_id: 'req_upstream_0123456789',
    error_code: null,
    service_tier: 'default',
    cost_nanos: 27_750,
    cost_input_nanos: 3_750,
    cost_cached_nanos: 0,
    cost_cache_write_nanos: 0,
    cost_output_nanos: 24_000,
    cost_reasoning_nanos: 0,
    cost_audio_nanos: 0,
    cost_tier_discount_nanos: 0,
    estimated: 0,
    budget_periods: null,
    cache_status: null,
    cache_saved_nanos: 0,
    attempts: 1,
    deployments_tried: null,
  });
  // Warm up (statement caches, file growth), then measure.
  for (let i = 0; i < 2_000; i++) ledger.record(row());
  await ledger.flush();
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const elu = performance.eventLoopUtilization();
  const start = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const due = Math.floor(((performance.now() - start) / 1000) * perSecond);
      while (sent < due) {
        ledger.record(row());
        sent++;
      }
      if (performance.now() - start >= seconds * 1000) {
        clearInterval(tick);
        resolve();
      }
    }, 1);
  });
  await ledger.flush();
  const used = performance.eventLoopUtilization(elu);
  delay.disable();
  await ledger.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  // The histogram counts the 1 ms sampling resolution itself as delay; subtract it.
  const ms = (ns: number) => Math.max(0, ns / 1e6 - 1);
  return { writerThread, rows: sent, busyMsPer1k: (used.active * 1_000) / sent, p50Ms: ms(delay.percentile(50)), p99Ms: ms(delay.percentile(99)), maxMs: ms(delay.max) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const thread of [true, false]) {
    const r = await measureLedgerStall(Number(process.argv[2] ?? 8), 1_000, thread);
    console.log(`ledger (${thread ? 'writer thread' : 'event loop thread'}): ${r.rows} rows; busy ${r.busyMsPer1k.toFixed(2)} ms per 1,000 rows; event loop delay p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, max ${r.maxMs.toFixed(2)} ms`);
  }
}
