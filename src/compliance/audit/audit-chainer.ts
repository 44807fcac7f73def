import type { Logger } from 'pino';
import type { Store } from '../../state/index.ts';
import { formatCheckpoint } from './checkpoint.ts';
import { linkPending, type LinkOptions } from './chain-linker.ts';

export interface AuditChainerOptions extends Omit<LinkOptions, 'forceCheckpoint' | 'now'> {
  /** How often pending records are linked. Default 1 s: the longest a committed record stays unlinked. */
  intervalMs?: number;
  log?: Pick<Logger, 'info' | 'error'> | undefined;
}

/** A running chainer: links on a timer; `stop` links what is left and checkpoints the head. */
export interface AuditChainer {
  /** Links now (also what the timer calls); passes never overlap. */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts linking audit records in the background. Every instance may run one: they take turns on
 * the head row. Each checkpoint is also logged (`audit checkpoint`), so a copy of the chain head
 * lives outside the database (see `tollgate audit verify --expect`).
 * @example const chainer = startAuditChainer(store, { signer, log }); … await chainer.stop();
 */
export function startAuditChainer(store: Store, options: AuditChainerOptions = {}): AuditChainer {
  let running: Promise<void> | undefined;
  let stopped = false;
  const pass = async (force: boolean) => {
    const r = await linkPending(store, { ...options, forceCheckpoint: force });
    if (r.checkpoint) options.log?.info({ checkpoint: formatCheckpoint(r.checkpoint), seq: r.checkpoint.seq }, 'audit checkpoint');
  };
  const runOnce = (force = false): Promise<void> => {
    running ??= pass(force)
      .catch((err: unknown) => options.log?.error({ err }, 'audit chain: linking failed'))
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(() => {
    if (!stopped) void runOnce();
  }, options.intervalMs ?? 1_000);
  timer.unref();
  return {
    runOnce: () => runOnce(),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      await runOnce(true);
    },
  };
}
