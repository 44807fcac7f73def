import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { requestTimedOut } from '../../http/index.ts';

/**
 * Where a call's answer goes: the client's HTTP response, or an in-process reader (the workspace's
 * chat turn). The pipeline writes headers once, then bytes with backpressure, then ends.
 */
export interface CallSink {
  /** The reader is gone (the client closed the connection). */
  readonly closed: boolean;
  /** Whether headers were sent (an error after this point can only end the stream). */
  readonly started: boolean;
  start(status: number, headers: OutgoingHttpHeaders): void;
  /** Writes bytes; false when the reader's buffer is full (wait with `drained`). */
  write(chunk: Buffer | string): boolean;
  /** Resolves true when the reader can take more, false when it is gone. */
  drained(): Promise<boolean>;
  /** Ends the answer, with an optional last body and trailers (declared in `start`'s headers). */
  end(body?: Buffer | string, trailers?: Record<string, string>): void;
  /** Called once if the reader goes away before the answer ended. */
  onClose(listener: () => void): void;
  /** The request was cut by the server's request timeout (it was answered 408 on the socket). */
  timedOut(): boolean;
}

/**
 * A sink that passes everything to another: the base of sinks that look at or add to an answer on
 * its way (the cache status header, the audit log's copy); subclasses override what they change.
 */
export class ForwardingSink implements CallSink {
  constructor(protected readonly inner: CallSink) {}

  /** The sink this one passes to. */
  get next(): CallSink {
    return this.inner;
  }

  get closed(): boolean {
    return this.inner.closed;
  }

  get started(): boolean {
    return this.inner.started;
  }

  start(status: number, headers: OutgoingHttpHeaders): void {
    this.inner.start(status, headers);
  }

  write(chunk: Buffer | string): boolean {
    return this.inner.write(chunk);
  }

  drained(): Promise<boolean> {
    return this.inner.drained();
  }

  end(body?: Buffer | string, trailers?: Record<string, string>): void {
    this.inner.end(body, trailers);
  }

  onClose(listener: () => void): void {
    this.inner.onClose(listener);
  }

  timedOut(): boolean {
    return this.inner.timedOut();
  }
}

/** A sink over node's ServerResponse: the client of /v1. */
export class HttpSink implements CallSink {
  private readonly socket: Socket | null;

  constructor(readonly res: ServerResponse) {
    this.socket = res.socket;
  }

  timedOut(): boolean {
    return requestTimedOut(this.socket);
  }

  get closed(): boolean {
    return this.res.destroyed;
  }

  get started(): boolean {
    return this.res.headersSent;
  }

  start(status: number, headers: OutgoingHttpHeaders): void {
    this.res.writeHead(status, headers);
  }

  write(chunk: Buffer | string): boolean {
    return this.res.write(chunk);
  }

  drained(): Promise<boolean> {
    const res = this.res;
    if (res.destroyed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve(!res.destroyed);
      };
      res.on('drain', done);
      res.on('close', done);
    });
  }

  end(body?: Buffer | string, trailers?: Record<string, string>): void {
    if (this.res.destroyed || this.res.writableEnded) return;
    if (trailers) this.res.addTrailers(trailers);
    if (body === undefined) this.res.end();
    else this.res.end(body);
  }

  onClose(listener: () => void): void {
    const res = this.res;
    res.once('close', () => {
      if (!res.writableFinished) listener();
    });
  }
}
