import type { Kysely } from 'kysely';
import pg from 'pg';
import type { Database } from '../schema.ts';
import { PG_CHANNEL, type ChangeFeed } from './change-feed.ts';
import { notifyAll, VersionWatcher } from './version-watcher.ts';

export interface PgNotifyOptions {
  /** The same database the store uses; the listener holds one connection of its own. */
  databaseUrl: string;
  /** Wait before reconnecting a dropped listener connection. Default 1 s. */
  reconnectMs?: number;
  onError?: (err: unknown) => void;
}

/**
 * The distributed adapter: one `LISTEN tollgate_changes` connection per process. `publishChange`
 * queues a `NOTIFY` in the changing transaction, so every process hears of a change when (and
 * only if) it commits, typically within milliseconds. If the listening connection drops, it is
 * reopened and the `change_versions` counters are compared, so a change made meanwhile is not
 * missed.
 * @example const feed = new PgNotifyChangeFeed(store.db, { databaseUrl });
 */
export class PgNotifyChangeFeed implements ChangeFeed {
  private readonly listeners = new Set<(topic: string) => void>();
  private readonly watcher: VersionWatcher;
  private readonly onError: (err: unknown) => void;
  private client: pg.Client | undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    db: Kysely<Database>,
    private readonly options: PgNotifyOptions,
  ) {
    this.watcher = new VersionWatcher(db);
    this.onError = options.onError ?? (() => {});
  }

  async start(): Promise<void> {
    await this.watcher.changed();
    await this.connect();
  }

  subscribe(listener: (topic: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
    this.listeners.clear();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.databaseUrl });
    client.on('notification', (msg) => {
      if (msg.channel === PG_CHANNEL && msg.payload) notifyAll(this.listeners, msg.payload, this.onError);
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, undefined));
    await client.connect();
    await client.query(`LISTEN ${PG_CHANNEL}`);
    this.client = client;
  }

  /** The listening connection broke: reconnect, then catch up from the counters. */
  private lost(client: pg.Client, err: unknown): void {
    if (this.closed || this.client !== client) return;
    this.client = undefined;
    if (err !== undefined) this.onError(err);
    client.end().catch(() => {});
    this.retry = setTimeout(() => void this.reconnect(), this.options.reconnectMs ?? 1_000);
    this.retry.unref();
  }

  private async reconnect(): Promise<void> {
    if (this.closed) return;
    try {
      await this.connect();
      for (const topic of await this.watcher.changed()) notifyAll(this.listeners, topic, this.onError);
    } catch (err) {
      this.onError(err);
      this.retry = setTimeout(() => void this.reconnect(), this.options.reconnectMs ?? 1_000);
      this.retry.unref();
    }
  }
}
