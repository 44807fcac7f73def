/**
 * The FIFO of programmed faults. A request takes at most one latency fault
 * and at most one outcome fault (status, stall, break, malformed): for each
 * of the two, the oldest queued fault whose `match` fits. Keeping timing
 * separate lets a test slow every request down while also failing some.
 */
import { faultMatches, parseFault, type Fault, type FaultRequestInfo, type LatencyFault, type StatusFault, type StreamFault } from './fault-types.ts';

/** The faults a single request is subject to. */
export interface AppliedFaults {
  latency?: LatencyFault;
  outcome?: StatusFault | StreamFault;
}

interface QueuedFault {
  fault: Fault;
  remaining: number;
}

/** A queued fault with the number of matching requests it will still serve. */
export interface QueuedFaultView {
  fault: Fault;
  remaining: number;
}

/** Programmable fault queue shared by the in-process and HTTP control APIs. */
export class FaultQueue {
  readonly #queue: QueuedFault[] = [];

  /** Number of faults still queued. */
  get size(): number {
    return this.#queue.length;
  }

  /** Appends faults (validated as if they came over HTTP; throws FaultFormatError). */
  push(...faults: Fault[]): void {
    const parsed = faults.map((f) => parseFault(f));
    for (const fault of parsed) this.#queue.push({ fault, remaining: fault.times ?? 1 });
  }

  /** Removes every queued fault and returns how many there were. */
  clear(): number {
    const count = this.#queue.length;
    this.#queue.length = 0;
    return count;
  }

  /** Snapshot of the queue, oldest first. */
  list(): QueuedFaultView[] {
    return this.#queue.map((q) => ({ fault: q.fault, remaining: q.remaining }));
  }

  /** Consumes the faults that apply to `request` (see the module comment). */
  take(request: FaultRequestInfo): AppliedFaults {
    const applied: AppliedFaults = {};
    if (this.#queue.length === 0) return applied;
    for (let i = 0; i < this.#queue.length; i++) {
      const entry = this.#queue[i] as QueuedFault;
      const isLatency = entry.fault.kind === 'latency';
      if (isLatency ? applied.latency !== undefined : applied.outcome !== undefined) continue;
      if (!faultMatches(entry.fault, request)) continue;
      if (entry.fault.kind === 'latency') applied.latency = entry.fault;
      else applied.outcome = entry.fault;
      entry.remaining--;
      if (entry.remaining <= 0) {
        this.#queue.splice(i, 1);
        i--;
      }
      if (applied.latency !== undefined && applied.outcome !== undefined) break;
    }
    return applied;
  }
}

/** Splits an ad-hoc list of faults (e.g. from a request header) the same way {@link FaultQueue.take} would. */
export function applyFaultList(faults: readonly Fault[]): AppliedFaults {
  const applied: AppliedFaults = {};
  for (const fault of faults) {
    if (fault.kind === 'latency') applied.latency ??= fault;
    else applied.outcome ??= fault;
  }
  return applied;
}
