import { nearlyExhausted, readHeadroom, type HeaderGetter, type Headroom } from './upstream-headroom.ts';

export interface DeploymentStatsOptions {
  /** Weight of the newest latency sample in the moving average. Default 0.3. */
  alpha?: number | undefined;
  /** Below this share of its limit left, an upstream counts as nearly exhausted. Default 0.05. */
  exhaustedFraction?: number | undefined;
}

interface Entry {
  inFlight: number;
  latencyMs: number | undefined;
  headroom: Headroom | undefined;
  /** Epoch ms until which the upstream said "no more" (a 429's Retry-After). */
  blockedUntil: number;
}

/**
 * What this instance knows about each deployment right now: requests in flight, recent latency
 * (exponentially weighted moving average), and the upstream's own rate-limit headroom. The balancer
 * reads it; the call stage writes it around each upstream attempt. Memory only, no clock of its own.
 * @example stats.begin('azure-eu'); … stats.end('azure-eu', 840); stats.observe('azure-eu', headerGetter(res.headers), Date.now());
 */
export class DeploymentStats {
  private readonly entries = new Map<string, Entry>();
  private readonly alpha: number;
  private readonly fraction: number;

  constructor(options: DeploymentStatsOptions = {}) {
    this.alpha = options.alpha ?? 0.3;
    this.fraction = options.exhaustedFraction ?? 0.05;
  }

  /** An attempt on `id` starts. */
  begin(id: string): void {
    this.entry(id).inFlight++;
  }

  /** An attempt on `id` ended; `latencyMs` (time to first byte or to the whole answer) when it got one. */
  end(id: string, latencyMs?: number): void {
    const e = this.entry(id);
    e.inFlight = Math.max(0, e.inFlight - 1);
    if (latencyMs !== undefined && Number.isFinite(latencyMs) && latencyMs >= 0) {
      e.latencyMs = e.latencyMs === undefined ? latencyMs : this.alpha * latencyMs + (1 - this.alpha) * e.latencyMs;
    }
  }

  /** Records the upstream's `x-ratelimit-*` headers from a response of `id`. */
  observe(id: string, get: HeaderGetter, now: number): void {
    const h = readHeadroom(get, now);
    if (h.requests || h.tokens) this.entry(id).headroom = h;
  }

  /** The upstream refused for `ms` (a 429's minimum wait): steer away until then. */
  block(id: string, until: number): void {
    const e = this.entry(id);
    e.blockedUntil = Math.max(e.blockedUntil, until);
  }

  /** Epoch ms until which `id` asked not to be called (0 when it did not). */
  blockedUntil(id: string): number {
    return this.entries.get(id)?.blockedUntil ?? 0;
  }

  inFlight(id: string): number {
    return this.entries.get(id)?.inFlight ?? 0;
  }

  latency(id: string): number | undefined {
    return this.entries.get(id)?.latencyMs;
  }

  /** Whether `id` said it is (nearly) out of requests or tokens, or refused until a time still ahead. */
  exhausted(id: string, now: number, tokensNeeded = 0): boolean {
    const e = this.entries.get(id);
    if (!e) return false;
    return now < e.blockedUntil || (e.headroom !== undefined && nearlyExhausted(e.headroom, now, this.fraction, tokensNeeded));
  }

  private entry(id: string): Entry {
    let e = this.entries.get(id);
    if (!e) {
      e = { inFlight: 0, latencyMs: undefined, headroom: undefined, blockedUntil: 0 };
      this.entries.set(id, e);
    }
    return e;
  }
}
