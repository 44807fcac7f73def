import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import type { ChangeFeed } from './change-feed.ts';
import type { CommittedChanges } from './committed-changes-dialect.ts';
import { notifyAll, VersionWatcher } from './version-watcher.ts';

/** The Redis channel change notifications travel on; the message is the topic (a hint, see below). */
export const REDIS_CHANGES_CHANNEL = 'tollgate:changes';

export interface RedisChangeFeedOptions {
  /** A connection used only for SUBSCRIBE (Redis puts it in subscriber mode), opened with `subscriber: true` (no auto-resubscribe). */
  subscriber: Redis;
  /** The connection changes are published on. */
  publisher: Redis;
  /** This process's committed changes: each is published once it is visible to readers. */
  committed: CommittedChanges;
  /** The store's own feed (NOTIFY or polling): the catch-up for anything Redis did not deliver. */
  fallback: ChangeFeed;
  /** The store, whose `change_versions` counters decide which topics really moved. */
  db: Kysely<Database>;
  channel?: string | undefined;
  /** After a failed read of the counters, read again this much later. Default 1 s. */
  retryMs?: number | undefined;
  /**
   * The counters are also read this often whatever is heard: the catch-up when neither Redis nor
   * the store's feed signals (LISTEN behind a transaction pooler hears nothing). Default 2 s.
   */
  catchUpMs?: number | undefined;
  /** Redis became unreachable (`up: false`, once per outage) or reachable again (`up: true`). */
  onRedisState?: ((up: boolean, err?: unknown) => void) | undefined;
  onError?: ((err: unknown) => void) | undefined;
}

/**
 * Change notifications over Redis pub/sub, in front of the store's own change feed. A process that
 * commits a change (`publishChange`) publishes its topic on one channel right after the commit;
 * every instance is subscribed and hears it within milliseconds. Messages are only hints: on each
 * (and on each signal of the fallback feed) the `change_versions` counters are read, and listeners
 * hear the topics whose counter moved, once. So a message lost while Redis is down, a change made
 * by a process without Redis (`tollgate keys revoke`), or a message from another deployment on the
 * same Redis changes nothing about correctness: the fallback feed still signals the change, and a
 * stray message reads the counters and finds nothing new. The counters are read every couple of
 * seconds as well, in case neither signal comes.
 * @example
 * const feed = new RedisChangeFeed({ subscriber, publisher, committed: store.committedChanges, fallback, db: store.db });
 * await feed.start();
 */
export class RedisChangeFeed implements ChangeFeed {
  private readonly listeners = new Set<(topic: string) => void>();
  private readonly watcher: VersionWatcher;
  private readonly channel: string;
  private readonly onError: (err: unknown) => void;
  private readonly offs: (() => void)[] = [];
  private reading: Promise<void> | undefined;
  private again = false;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;
  private redisUp = true;

  constructor(private readonly options: RedisChangeFeedOptions) {
    this.watcher = new VersionWatcher(options.db);
    this.channel = options.channel ?? REDIS_CHANGES_CHANNEL;
    this.onError = options.onError ?? (() => {});
  }

  async start(): Promise<void> {
    const { subscriber, publisher, committed, fallback } = this.options;
    await fallback.start();
    await this.watcher.changed();
    this.offs.push(fallback.subscribe(() => this.poke()));
    const onMessage = (channel: string) => {
      if (channel === this.channel) this.poke();
    };
    subscriber.on('message', onMessage);
    // Subscribed again after a reconnect; what was published meanwhile is read from the counters.
    const onReady = () => {
      if (this.closed) return;
      subscriber.subscribe(this.channel).then(
        () => {
          this.redisState(true);
          this.poke();
        },
        (err: unknown) => {
          this.redisState(false, err);
          // Connected but not subscribed (the SUBSCRIBE timed out): try again shortly.
          if (subscriber.status === 'ready') setTimeout(onReady, this.options.retryMs ?? 1_000).unref();
        },
      );
    };
    const onDown = (err?: unknown) => this.redisState(false, err);
    subscriber.on('ready', onReady);
    subscriber.on('error', onDown);
    subscriber.on('close', onDown);
    this.offs.push(() => {
      subscriber.off('message', onMessage);
      subscriber.off('ready', onReady);
      subscriber.off('error', onDown);
      subscriber.off('close', onDown);
    });
    await subscriber.subscribe(this.channel);
    const catchUp = setInterval(() => this.poke(), this.options.catchUpMs ?? 2_000);
    catchUp.unref();
    this.offs.push(() => clearInterval(catchUp));
    this.offs.push(
      committed.subscribe((topic) => {
        // Not published: the other instances hear the change through the store's feed instead.
        publisher.publish(this.channel, topic).catch((err: unknown) => this.onError(new Error(`change ${topic} not published on Redis: ${(err as Error).message}`, { cause: err })));
      }),
    );
  }

  subscribe(listener: (topic: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether the subscriber connection is up and subscribed (for `/ready`). */
  get connected(): boolean {
    return this.redisUp && this.options.subscriber.status === 'ready';
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    for (const off of this.offs.splice(0)) off();
    await this.reading;
    this.listeners.clear();
    await this.options.fallback.close();
    await Promise.all([this.options.subscriber.quit().catch(() => this.options.subscriber.disconnect()), this.options.publisher.quit().catch(() => this.options.publisher.disconnect())]);
  }

  /** Something may have changed: read the counters (once more if a signal came during the read). */
  private poke(): void {
    if (this.closed) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = this.read().finally(() => (this.reading = undefined));
  }

  private async read(): Promise<void> {
    do {
      this.again = false;
      try {
        for (const topic of await this.watcher.changed()) notifyAll(this.listeners, topic, this.onError);
      } catch (err) {
        this.onError(err);
        clearTimeout(this.retry);
        this.retry = setTimeout(() => this.poke(), this.options.retryMs ?? 1_000);
        this.retry.unref();
        return;
      }
    } while (this.again && !this.closed);
  }

  private redisState(up: boolean, err?: unknown): void {
    if (this.closed || up === this.redisUp) return;
    this.redisUp = up;
    this.options.onRedisState?.(up, err);
  }
}
