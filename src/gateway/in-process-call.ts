import type { OutgoingHttpHeaders } from 'node:http';
import type { TollgateError } from '../errors/index.ts';
import { matchEndpoint } from './endpoints.ts';
import type { CallSink } from './pipeline/call-sink.ts';
import { newCall, type GatewayCall } from './pipeline/call-context.ts';

/** What the gateway metered for an in-process call, as its ledger row says. */
export interface InProcessOutcome {
  requestId: string;
  /** The status a client would have got (499 when the caller stopped before the answer). */
  status: number;
  /** Why it failed: refused by a stage, or the upstream's error; undefined when served. */
  error: TollgateError | undefined;
  errorCode: string | null;
  modelServed: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  /** Integer nano-dollars as recorded; null when the model has no price. */
  costNanos: number | null;
  latencyMs: number;
}

export interface InProcessRequest {
  /** `Bearer tg-…`: the key the call runs as (the pipeline authenticates it like any other). */
  authorization: string;
  /** The caller's own address (the person's browser), for IP allowlists. */
  ip: string;
  body: string;
  /** Aborting is a client leaving: the upstream call is aborted and the row says `client_closed`. */
  signal: AbortSignal;
}

/** The answer's bytes as they come (an SSE stream for a streamed call), then the outcome. */
export interface InProcessCall {
  chunks: AsyncIterable<Buffer | string>;
  outcome: Promise<InProcessOutcome>;
}

/**
 * A `POST /v1/chat/completions` made from inside Tollgate (the workspace's chat turns) through the
 * same pipeline as an HTTP client's: authentication, admission, budgets, metering, one ledger row.
 * No loopback HTTP, no socket: the answer goes to a sink that the caller reads.
 * @example const c = call({ authorization, ip, body, signal }); for await (const b of c.chunks) …; await c.outcome;
 */
export function inProcessChatCaller(run: (call: GatewayCall) => Promise<void>, newRequestId: () => string): (request: InProcessRequest) => InProcessCall {
  const target = matchEndpoint('POST', '/v1/chat/completions')!.endpoint;
  return (request) => {
    const sink = new QueueSink();
    const call = newCall({
      requestId: newRequestId(),
      method: 'POST',
      target,
      path: target.route,
      ip: request.ip,
      headers: { authorization: request.authorization, 'content-type': 'application/json' },
      sink,
      rawBody: Buffer.from(request.body),
    });
    const leave = () => sink.leave();
    if (request.signal.aborted) leave();
    else request.signal.addEventListener('abort', leave, { once: true });
    const outcome = run(call).then((): InProcessOutcome => {
      request.signal.removeEventListener('abort', leave);
      sink.finish();
      const u = call.usage;
      const cost = call.metering?.cost;
      return {
        requestId: call.requestId,
        status: call.status,
        error: call.error,
        errorCode: call.errorCode,
        modelServed: call.modelServed,
        promptTokens: u ? u.prompt : null,
        completionTokens: u ? u.completion : null,
        costNanos: cost ? cost.total : u ? null : 0,
        latencyMs: Math.round(performance.now() - call.startedAt),
      };
    });
    return { chunks: sink, outcome };
  };
}

/** A sink read by an async iterator in the same process, with backpressure (a bounded queue). */
class QueueSink implements CallSink, AsyncIterable<Buffer | string> {
  private static readonly HIGH_WATER = 64;
  private readonly queue: (Buffer | string)[] = [];
  private ended = false;
  private left = false;
  private headersSent = false;
  private wakeReader: (() => void) | undefined;
  private wakeWriter: ((more: boolean) => void) | undefined;
  private readonly closeListeners: (() => void)[] = [];

  get closed(): boolean {
    return this.left;
  }

  get started(): boolean {
    return this.headersSent;
  }

  timedOut(): boolean {
    return false;
  }

  start(_status: number, _headers: OutgoingHttpHeaders): void {
    this.headersSent = true;
  }

  write(chunk: Buffer | string): boolean {
    if (this.left || this.ended) return false;
    this.queue.push(chunk);
    this.wake();
    return this.queue.length < QueueSink.HIGH_WATER;
  }

  drained(): Promise<boolean> {
    if (this.left) return Promise.resolve(false);
    if (this.queue.length < QueueSink.HIGH_WATER) return Promise.resolve(true);
    return new Promise((resolve) => (this.wakeWriter = resolve));
  }

  end(body?: Buffer | string): void {
    if (body !== undefined && !this.left) this.queue.push(body);
    this.ended = true;
    this.wake();
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  /** The reader is gone (it stopped the turn): the pipeline aborts the upstream call. */
  leave(): void {
    if (this.left || this.ended) return;
    this.left = true;
    this.queue.length = 0;
    this.wake();
    this.wakeWriter?.(false);
    for (const listener of this.closeListeners.splice(0)) listener();
  }

  /** The pipeline is done: whatever was not ended is now. */
  finish(): void {
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    const w = this.wakeReader;
    this.wakeReader = undefined;
    w?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer | string> {
    for (;;) {
      const chunk = this.queue.shift();
      if (chunk !== undefined) {
        if (this.wakeWriter && this.queue.length < QueueSink.HIGH_WATER / 2) {
          const w = this.wakeWriter;
          this.wakeWriter = undefined;
          w(true);
        }
        yield chunk;
        continue;
      }
      if (this.ended || this.left) return;
      await new Promise<void>((resolve) => (this.wakeReader = resolve));
    }
  }
}
