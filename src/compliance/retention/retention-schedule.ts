import type { Logger } from 'pino';
import type { Store } from '../../state/index.ts';
import { purgeExpired, type RetentionPorts } from './retention-purge.ts';

/**
 * Runs the retention purge at start and then every `intervalMs` (default hourly); each pass that
 * deleted something is logged and audited (`retention.purged`). Several instances may run it: every
 * delete is idempotent and the audit cut is serialized by the chain head's row lock.
 * @returns the timer, for clearInterval at shutdown
 */
export function scheduleRetentionPurge(store: Store, ports: RetentionPorts, log: Logger, intervalMs = 3_600_000): NodeJS.Timeout {
  const run = () =>
    purgeExpired(store, ports, Date.now()).then(
      (r) => (r.conversations + r.ledgerRows + r.auditRecords > 0 ? log.info({ retention: r }, 'retention: expired data deleted') : undefined),
      (err: unknown) => log.error({ err }, 'retention purge failed'),
    );
  void run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return timer;
}
