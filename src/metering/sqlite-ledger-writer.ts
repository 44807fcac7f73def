import { Worker } from 'node:worker_threads';

/** Messages back from the worker: the batch id, and the error message when the write failed. */
interface WriteAck {
  id: number;
  error?: string;
}

export interface SqliteLedgerLayout {
  /** Column names of usage_records, in the order of each row's values. */
  ledgerColumns: readonly string[];
  /** Key columns of usage_daily, then the summed ones: the order of each day row's values. */
  dailyKeys: readonly string[];
  dailySums: readonly string[];
}

/**
 * Writes ledger batches to a SQLite file from a worker thread that owns its own connection, so the
 * inserts, the day sums and the commit's fsync stay off the request thread. A batch is rows of
 * plain values (structured clone of arrays of primitives is cheap); the promise settles when the
 * batch is committed, so readers that await it see every row on their own connection (WAL mode).
 */
export class SqliteLedgerWriter {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve(): void; reject(err: Error): void }>();
  private nextId = 1;
  private failure: Error | undefined;
  private readonly exited: Promise<void>;

  constructor(path: string, layout: SqliteLedgerLayout) {
    this.worker = new Worker(new URL('./sqlite-ledger-writer.worker.mjs', import.meta.url), {
      workerData: { path, ...layout },
    });
    this.worker.unref();
    this.worker.on('message', (ack: WriteAck) => this.settle(ack));
    this.worker.on('error', (err) => this.fail(err));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', () => {
        this.fail(new Error('ledger writer thread exited'));
        resolve();
      }),
    );
  }

  /** Whether the thread can still take writes (it stops for good after a crash; the ledger then writes itself). */
  get alive(): boolean {
    return this.failure === undefined;
  }

  write(rows: unknown[][], days: unknown[][]): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      if (this.waiting.size === 0) this.worker.ref(); // an unfinished write keeps the process alive
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, rows, days });
    });
  }

  /** Closes the worker's connection once the writes already sent are done. */
  async close(): Promise<void> {
    if (this.failure) return;
    this.worker.ref();
    this.worker.postMessage('close');
    await this.exited;
  }

  private settle(ack: WriteAck): void {
    const waiter = this.waiting.get(ack.id);
    if (!waiter) return;
    this.waiting.delete(ack.id);
    if (this.waiting.size === 0) this.worker.unref();
    if (ack.error === undefined) waiter.resolve();
    else waiter.reject(new Error(ack.error));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const waiter of this.waiting.values()) waiter.reject(this.failure);
    this.waiting.clear();
  }
}
