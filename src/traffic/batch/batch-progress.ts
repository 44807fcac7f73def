import cliProgress from 'cli-progress';
import { formatDuration } from '../../upstream/index.ts';
import type { BatchProgress } from './batch-runner.ts';

/** Shows a run's progress: a bar with rate and ETA on a terminal, plain lines otherwise. */
export interface ProgressDisplay {
  update(p: BatchProgress): void;
  stop(p: BatchProgress): void;
}

/** Requests per second finished by this run, and the time left at that rate. */
export function rateAndEta(p: BatchProgress, now: number): { rate: number; etaMs: number | undefined } {
  const elapsed = Math.max(1, now - p.startedAt) / 1_000;
  const rate = (p.done - p.resumed) / elapsed;
  return { rate, etaMs: rate > 0 ? ((p.total - p.done) / rate) * 1_000 : undefined };
}

/**
 * A terminal (`stream.isTTY`) gets a redrawn bar (cli-progress) with percentage, count, rate, ETA
 * and failures; a pipe or file gets a plain line at most every `everyMs` and at the end.
 * @example const display = progressDisplay(process.stderr); runBatch({ …, onProgress: (p) => display.update(p) });
 */
export function progressDisplay(stream: NodeJS.WritableStream & { isTTY?: boolean }, options: { everyMs?: number; now?: () => number } = {}): ProgressDisplay {
  const now = options.now ?? Date.now;
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream: stream as NodeJS.WriteStream,
        format: 'batch {bar} {percentage}% | {value}/{total} | {rate} req/s | ETA {eta_left} | {failed} failed',
        hideCursor: true,
        fps: 10,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    const payload = (p: BatchProgress) => {
      const { rate, etaMs } = rateAndEta(p, now());
      return { rate: rate.toFixed(1), eta_left: etaMs === undefined ? '–' : formatDuration(Math.round(etaMs / 1_000) * 1_000), failed: p.failed };
    };
    return {
      update(p) {
        if (!started) {
          bar.start(p.total, p.done, payload(p));
          started = true;
        } else bar.update(p.done, payload(p));
      },
      stop(p) {
        this.update(p);
        bar.stop();
      },
    };
  }
  const every = options.everyMs ?? 2_000;
  let last = -Infinity;
  const line = (p: BatchProgress) => {
    const { rate, etaMs } = rateAndEta(p, now());
    const eta = etaMs === undefined ? '' : `, ETA ${formatDuration(Math.round(etaMs / 1_000) * 1_000)}`;
    stream.write(`batch: ${p.done}/${p.total} done (${Math.floor((p.done / p.total) * 100)}%), ${rate.toFixed(1)} req/s${eta}, ${p.failed} failed\n`);
  };
  return {
    update(p) {
      if (now() - last < every) return;
      last = now();
      line(p);
    },
    stop(p) {
      line(p);
    },
  };
}
