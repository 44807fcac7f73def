import type { Logger } from 'pino';
import type { UpstreamBatchTable } from '../../state/index.ts';
import type { ObjectRegistry } from './object-registry.ts';

/**
 * Looks at unfinished (or finished, not yet metered) batches every `intervalMs`, so a batch is
 * metered when it completes even if nobody retrieves it. The timer does not keep the process
 * alive; `stop` ends it. One round at a time: a slow round is not overlapped by the next.
 */
export function startBatchPoller(registry: ObjectRegistry, refresh: (row: UpstreamBatchTable) => Promise<unknown>, intervalMs: number, log: Logger): { stop(): Promise<void> } {
  let round: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (round) return;
    round = (async () => {
      for (const row of await registry.unsettledBatches(100)) {
        await refresh(row).catch((err: unknown) => log.warn({ err, batch: row.id }, 'batch could not be looked up'));
      }
    })()
      .catch((err: unknown) => log.error({ err }, 'batch poller failed'))
      .finally(() => {
        round = undefined;
      });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await round;
    },
  };
}
