import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Store } from '../store.ts';

export interface InstanceRegistryOptions {
  /** Whether this instance counts limits and budgets on shared counters (Redis). */
  sharedCounters: boolean;
  log: Logger;
  /** How often the heartbeat is written. Default 5 s. */
  heartbeatMs?: number | undefined;
  now?: (() => number) | undefined;
  /**
   * `refuse`: `start` throws an {@link InstanceRefusedError} (and leaves no row behind) when an
   * instance that started earlier is alive on this store and limits would be per instance. Default `warn`.
   */
  withoutRedis?: 'warn' | 'refuse' | undefined;
}

/** The other instance that made `withoutRedis: 'refuse'` stop this one. */
export class InstanceRefusedError extends Error {
  override name = 'InstanceRefusedError';
  constructor(readonly other: { host: string; pid: number; sharedCounters: boolean }) {
    super(`another gateway instance (${other.host}, pid ${other.pid}) is running on this store${other.sharedCounters ? '' : ' without Redis'}`);
  }
}

/** What `/ready` says about the instances sharing this store. */
export interface InstancesView {
  /** Instances whose heartbeat is recent, this one included. */
  alive: number;
  /** `shared`: limits and budgets hold across instances; `per_instance`: each instance counts its own. */
  limits: 'shared' | 'per_instance';
}

/**
 * Registers this gateway instance in the store (a row with a heartbeat), so instances sharing one
 * PostgreSQL store see each other. While more than one is alive and any counts limits in its own
 * memory (no Redis), limits and budgets are enforced per instance, not once: said in the logs at
 * each change and by `view()` for `/ready`. Removed from the store on `stop`.
 * @example const reg = await InstanceRegistry.start(store, { sharedCounters: false, log }); reg.view();
 */
export class InstanceRegistry {
  readonly id = `ins_${randomBytes(8).toString('hex')}`;
  private current: InstancesView;
  private readonly timer: NodeJS.Timeout;
  private readonly heartbeatMs: number;
  private readonly now: () => number;

  private constructor(
    private readonly store: Store,
    private readonly options: InstanceRegistryOptions,
  ) {
    this.heartbeatMs = options.heartbeatMs ?? 5_000;
    this.now = options.now ?? Date.now;
    this.current = { alive: 1, limits: 'shared' };
    this.timer = setInterval(() => {
      this.beat().catch((err: unknown) => options.log.warn({ err }, 'instance heartbeat failed'));
    }, this.heartbeatMs);
    this.timer.unref();
  }

  /** Registers the instance and reads who else is alive. */
  static async start(store: Store, options: InstanceRegistryOptions): Promise<InstanceRegistry> {
    const r = new InstanceRegistry(store, options);
    const at = r.now();
    await store.db
      .insertInto('gateway_instances')
      .values({ id: r.id, host: hostname(), pid: process.pid, started_at: at, heartbeat_at: at, shared_counters: options.sharedCounters ? 1 : 0 })
      .execute();
    if (options.withoutRedis === 'refuse') await r.refuseIfUnshared(at);
    await r.refresh();
    return r;
  }

  /** Throws when an earlier instance is alive and one of the two counts limits in its own memory. */
  private async refuseIfUnshared(startedAt: number): Promise<void> {
    const earlier = await this.store.db
      .selectFrom('gateway_instances')
      .select(['id', 'host', 'pid', 'started_at', 'shared_counters'])
      .where('heartbeat_at', '>=', this.now() - 3 * this.heartbeatMs)
      .where('id', '!=', this.id)
      .execute();
    // Two starting at once: the later (or, at the same millisecond, the greater id) gives way.
    const before = earlier.filter((r) => Number(r.started_at) < startedAt || (Number(r.started_at) === startedAt && r.id < this.id));
    const blocking = before.find((r) => !this.options.sharedCounters || Number(r.shared_counters) === 0);
    if (!blocking) return;
    clearInterval(this.timer);
    await this.store.db.deleteFrom('gateway_instances').where('id', '=', this.id).execute();
    throw new InstanceRefusedError({ host: blocking.host, pid: Number(blocking.pid), sharedCounters: Number(blocking.shared_counters) === 1 });
  }

  /** The instances as of the last heartbeat. */
  view(): InstancesView {
    return this.current;
  }

  /** Writes the heartbeat, forgets long-dead instances and reads the others. */
  async beat(): Promise<void> {
    const at = this.now();
    await this.store.db.updateTable('gateway_instances').set({ heartbeat_at: at }).where('id', '=', this.id).execute();
    await this.store.db.deleteFrom('gateway_instances').where('heartbeat_at', '<', at - 3_600_000).execute();
    await this.refresh();
  }

  private async refresh(): Promise<void> {
    const rows = await this.store.db
      .selectFrom('gateway_instances')
      .select(['id', 'shared_counters'])
      .where('heartbeat_at', '>=', this.now() - 3 * this.heartbeatMs)
      .execute();
    const alive = Math.max(1, rows.length);
    const perInstance = alive > 1 && rows.some((r) => Number(r.shared_counters) === 0);
    const next: InstancesView = { alive, limits: perInstance ? 'per_instance' : 'shared' };
    if (next.limits !== this.current.limits) {
      if (perInstance) {
        this.options.log.warn(
          { instances: alive },
          'several gateway instances share this store without Redis: rate limits and budgets are enforced per instance (set REDIS_URL on every instance)',
        );
      } else this.options.log.info({ instances: alive }, 'rate limits and budgets are enforced once across instances again');
    }
    this.current = next;
  }

  /** Stops the heartbeat and removes this instance from the store. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.store.db.deleteFrom('gateway_instances').where('id', '=', this.id).execute().catch(() => undefined);
  }
}
