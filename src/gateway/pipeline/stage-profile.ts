import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { GatewayCall } from './call-context.ts';

/** Microseconds of CPU per request, by stage, over the calls seen (streamed and not kept apart). */
export interface StageProfileSummary {
  json: { requests: number; usPerRequest: Record<string, number> };
  stream: { requests: number; usPerRequest: Record<string, number> };
  /** Event-loop delay since the first call finished (start-up excluded), ms. */
  loopDelayMs: { p99: number; max: number };
}

/**
 * Sums the per-stage CPU times of the calls (TOLLGATE_PROFILE=on) so that a summary can be logged at
 * shutdown and read by the bench. What a stage costs is the CPU of its synchronous part: work done
 * later in I/O callbacks (undici parsing the upstream's answer, the stream relay's chunks, GC) is
 * not any one stage's and shows only in the process total.
 */
export class StageProfile {
  private readonly totals = { json: new Map<string, number>(), stream: new Map<string, number>() };
  private readonly counts = { json: 0, stream: 0 };
  private readonly loop = monitorEventLoopDelay({ resolution: 5 });
  private started = false;

  constructor() {
    this.loop.enable();
  }

  add(call: GatewayCall): void {
    if (!this.started) {
      this.started = true;
      this.loop.reset(); // start-up (migrations, first compilations) is not serving
    }
    const timings = call.timings;
    if (!timings) return;
    const kind = call.stream ? 'stream' : 'json';
    this.counts[kind]++;
    const totals = this.totals[kind];
    for (const name in timings) totals.set(name, (totals.get(name) ?? 0) + (timings[name] ?? 0));
  }

  summary(): StageProfileSummary {
    const per = (kind: 'json' | 'stream') => {
      const n = this.counts[kind];
      const usPerRequest: Record<string, number> = {};
      for (const [name, total] of this.totals[kind]) usPerRequest[name] = n === 0 ? 0 : Math.round((total / n) * 10) / 10;
      return { requests: n, usPerRequest };
    };
    const ms = (ns: number) => Math.round(ns / 1e4) / 100;
    return { json: per('json'), stream: per('stream'), loopDelayMs: { p99: ms(this.loop.percentile(99)), max: ms(this.loop.max) } };
  }
}
