import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import type { ChangeFeed } from './change-feed.ts';
import { notifyAll, VersionWatcher } from './version-watcher.ts';

export interface PollOptions {
  /** How often the counters are read. Default 250 ms. */
  intervalMs?: number;
  onError?: (err: unknown) => void;
}

/**
 * The embedded adapter: every process on the same SQLite file reads the `change_versions`
 * counters every `intervalMs` (one indexed read of a handful of rows) and tells its listeners
 * which topics moved. A change by another process (a second instance, `tollgate keys revoke`)
 * is heard within one interval.
 * @example const feed = new SqlitePollChangeFeed(store.db, { intervalMs: 250 });
 */
export class SqlitePollChangeFeed implements ChangeFeed {
  private readonly listeners = new Set<(topic: string) => void>();
  private readonly watcher: VersionWatcher;
  private readonly intervalMs: number;
  private readonly onError: (err: unknown) => void;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;

  constructor(db: Kysely<Database>, options: PollOptions = {}) {
    this.watcher = new VersionWatcher(db);
    this.intervalMs = options.intervalMs ?? 250;
    this.onError = options.onError ?? (() => {});
  }

  async start(): Promise<void> {
    await this.watcher.changed();
    this.timer = setInterval(() => {
      this.polling ??= this.poll().finally(() => (this.polling = undefined));
    }, this.intervalMs);
    this.timer.unref();
  }

  subscribe(listener: (topic: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.polling;
    this.listeners.clear();
  }

  private async poll(): Promise<void> {
    try {
      for (const topic of await this.watcher.changed()) notifyAll(this.listeners, topic, this.onError);
    } catch (err) {
      this.onError(err);
    }
  }
}
