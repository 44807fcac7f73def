import type { Logger } from 'pino';

/**
 * Work a route starts and does not wait for (a password-reset mail, sent after the 202), tracked so
 * the server can wait for it before it closes the store and the mailer. Failures are logged.
 * @example const background = new BackgroundTasks(log); background.run('password reset request', () => requestReset(…)); await background.drain();
 */
export class BackgroundTasks {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly log: Pick<Logger, 'error'>) {}

  /** Starts `task` now; a failure is logged as `<what> failed`. */
  run(what: string, task: () => Promise<void>): void {
    const running = task()
      .catch((err: unknown) => this.log.error({ err }, `${what} failed`))
      .finally(() => this.pending.delete(running));
    this.pending.add(running);
  }

  /** Resolves when every task started so far has ended. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}
