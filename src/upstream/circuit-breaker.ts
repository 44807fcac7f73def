export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. Default 5. */
  consecutiveFailures?: number | undefined;
  /** Share of failures in the window that opens it, once `minRequests` were seen. Default 0.5. */
  failureRatio?: number | undefined;
  minRequests?: number | undefined;
  /** Length of the failure-ratio window. Default 60 s (in 10 slices). */
  windowMs?: number | undefined;
  /** How long an open circuit refuses before it lets one probe through. Default 30 s. */
  coolDownMs?: number | undefined;
  /** A probe that never reports back is given up after this, and another may go. Default 30 s. */
  probeTimeoutMs?: number | undefined;
}

export type CircuitState = 'closed' | 'open' | 'half_open';

/** Handed out by `acquire`; report the attempt's outcome with it. */
export interface BreakerTicket {
  readonly probe: boolean;
  /** The breaker's generation when acquired: outcomes of attempts from before a state change are ignored. */
  readonly generation: number;
}

export interface CircuitSnapshot {
  state: CircuitState;
  consecutiveFailures: number;
  /** Failures and attempts in the current window. */
  failures: number;
  attempts: number;
  /** Epoch ms it opened; null when closed. */
  openedAt: number | null;
  /** Epoch ms from which a probe may go; null when closed. */
  probeFrom: number | null;
}

const SLICES = 10;

/**
 * A circuit breaker for one deployment, on the caller's clock. Closed: everything passes; it opens
 * after N consecutive failures or when failures reach a ratio of the attempts in a sliding window.
 * Open: nothing passes for a cool-down; then one probe goes (half-open). The probe's success closes
 * it (counts start afresh), its failure opens it for another cool-down.
 * @example
 * const t = breaker.acquire(now); if (!t) skip; … breaker.record(t, ok, Date.now());
 */
export class CircuitBreaker {
  private readonly o: Required<{ [K in keyof CircuitBreakerOptions]-?: number }>;
  private state: CircuitState = 'closed';
  private generation = 0;
  private consecutive = 0;
  private openedAt = 0;
  private probeAt: number | null = null;
  private readonly slices = Array.from({ length: SLICES }, () => ({ start: 0, attempts: 0, failures: 0 }));

  constructor(options: CircuitBreakerOptions = {}) {
    this.o = {
      consecutiveFailures: options.consecutiveFailures ?? 5,
      failureRatio: options.failureRatio ?? 0.5,
      minRequests: options.minRequests ?? 20,
      windowMs: options.windowMs ?? 60_000,
      coolDownMs: options.coolDownMs ?? 30_000,
      probeTimeoutMs: options.probeTimeoutMs ?? 30_000,
    };
  }

  /** Read-only: whether `acquire` would hand out a ticket now (for the balancer's filter). */
  allows(now: number): boolean {
    if (this.state === 'closed') return true;
    if (now < this.openedAt + this.o.coolDownMs) return false;
    return this.probeAt === null || now >= this.probeAt + this.o.probeTimeoutMs;
  }

  /** A ticket for one attempt, or undefined when the circuit refuses it. */
  acquire(now: number): BreakerTicket | undefined {
    if (this.state === 'closed') return { probe: false, generation: this.generation };
    if (!this.allows(now)) return undefined;
    this.state = 'half_open';
    this.probeAt = now;
    return { probe: true, generation: this.generation };
  }

  /** Reports an attempt's outcome. Only what counts against the upstream's health is a failure. */
  record(ticket: BreakerTicket, ok: boolean, now: number): void {
    if (ticket.generation !== this.generation) return;
    if (ticket.probe) {
      if (ok) this.close();
      else this.open(now);
      return;
    }
    if (this.state !== 'closed') return;
    const slice = this.slice(now);
    slice.attempts++;
    if (ok) {
      this.consecutive = 0;
      return;
    }
    slice.failures++;
    this.consecutive++;
    const { attempts, failures } = this.window(now);
    if (this.consecutive >= this.o.consecutiveFailures || (attempts >= this.o.minRequests && failures >= attempts * this.o.failureRatio)) this.open(now);
  }

  snapshot(now: number): CircuitSnapshot {
    const { attempts, failures } = this.window(now);
    const closed = this.state === 'closed';
    return {
      state: this.state,
      consecutiveFailures: this.consecutive,
      failures,
      attempts,
      openedAt: closed ? null : this.openedAt,
      probeFrom: closed ? null : this.openedAt + this.o.coolDownMs,
    };
  }

  private open(now: number): void {
    this.state = 'open';
    this.generation++;
    this.openedAt = now;
    this.probeAt = null;
  }

  private close(): void {
    this.state = 'closed';
    this.generation++;
    this.consecutive = 0;
    this.probeAt = null;
    for (const s of this.slices) s.start = s.attempts = s.failures = 0;
  }

  private slice(now: number) {
    const width = this.o.windowMs / SLICES;
    const start = Math.floor(now / width) * width;
    const s = this.slices[Math.floor(now / width) % SLICES]!;
    if (s.start !== start) {
      s.start = start;
      s.attempts = s.failures = 0;
    }
    return s;
  }

  private window(now: number): { attempts: number; failures: number } {
    let attempts = 0;
    let failures = 0;
    for (const s of this.slices) {
      if (now - s.start < this.o.windowMs) {
        attempts += s.attempts;
        failures += s.failures;
      }
    }
    return { attempts, failures };
  }
}

/**
 * One breaker per deployment, made on first use, with their states for `GET /api/deployments` and
 * `/ready`.
 * @example const breakers = new CircuitBreakers({ coolDownMs: 10_000 }); balancer = new Balancer({ stats, available: breakers.allows });
 */
export class CircuitBreakers {
  private readonly map = new Map<string, CircuitBreaker>();

  constructor(private readonly options: CircuitBreakerOptions = {}) {}

  get(id: string): CircuitBreaker {
    let b = this.map.get(id);
    if (!b) {
      b = new CircuitBreaker(this.options);
      this.map.set(id, b);
    }
    return b;
  }

  /** Bound, so it can be handed to the balancer as is. */
  readonly allows = (id: string, now: number): boolean => this.map.get(id)?.allows(now) ?? true;

  snapshot(now: number): Record<string, CircuitSnapshot> {
    return Object.fromEntries([...this.map].map(([id, b]) => [id, b.snapshot(now)]));
  }
}

/** Which failures count against a deployment's health: not a rate limit (that is load) nor a bad request. */
export function countsAgainstHealth(kind: 'rate_limited' | 'quota' | 'server' | 'timeout' | 'connection' | 'client'): boolean {
  return kind === 'server' || kind === 'timeout' || kind === 'connection' || kind === 'quota';
}
