import type { ServerResponse } from 'node:http';

/**
 * Server-sent events to one client, with backpressure: `send` waits for the socket to drain
 * before it writes more, so a slow reader holds at most one event in memory. After the client has
 * gone, sends are dropped (the turn still finishes and is stored).
 */
export class SseStream {
  private closed = false;

  constructor(private readonly res: ServerResponse) {
    res.once('close', () => {
      this.closed = true;
    });
  }

  /** Writes the status line and headers. */
  open(requestId: string): void {
    this.res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-request-id': requestId,
    });
  }

  get gone(): boolean {
    return this.closed || this.res.destroyed;
  }

  async send(event: string, data: unknown): Promise<void> {
    if (this.gone) return;
    const ok = this.res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    if (ok || this.gone) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }

  end(): void {
    if (!this.gone) this.res.end();
  }
}
