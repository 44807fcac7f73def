import { setTimeout as sleepFor } from 'node:timers/promises';
import { RetryPolicy, type AttemptFailure } from '../../upstream/index.ts';
import type { BatchLine } from './batch-input.ts';
import { answerLine, errorLine, type BatchOutput, type BatchOutputLine } from './batch-output.ts';

/** Where a run stands, for the progress display. */
export interface BatchProgress {
  total: number;
  /** Lines finished, those from earlier runs included. */
  done: number;
  /** Lines finished with a non-2xx answer or no answer. */
  failed: number;
  /** Lines already finished when this run started. */
  resumed: number;
  /** Epoch ms this run started. */
  startedAt: number;
}

export interface BatchRunOptions {
  lines: readonly BatchLine[];
  output: BatchOutput;
  /** Tollgate's URL, with or without the trailing `/v1`. */
  baseUrl: string;
  apiKey: string;
  /** Requests in flight at once. */
  concurrency: number;
  retry?: RetryPolicy | undefined;
  /** Longest wait for one answer. Default 10 minutes. */
  requestTimeoutMs?: number | undefined;
  onProgress?: ((p: BatchProgress) => void) | undefined;
  /** Aborting stops sending; lines in flight are not written and go again on the next run. */
  signal?: AbortSignal | undefined;
  now?: (() => number) | undefined;
}

export interface BatchSummary extends BatchProgress {
  interrupted: boolean;
}

/** 429s are retried patiently: the gateway says when (Retry-After); other failures a few times. */
const DEFAULT_RETRY = { maxAttempts: 10, baseDelayMs: 1_000, maxDelayMs: 30_000, deadlineMs: 15 * 60_000 };

/**
 * Sends every line not yet in the output to Tollgate's `/v1` with at most `concurrency` in flight,
 * writes each answer as a line of OpenAI's batch output format once it is final, and retries what
 * is worth retrying (RetryPolicy: 429 except quota, 5xx, connection errors). A 429 pauses every
 * worker until its Retry-After, so the run slows to what the rate limits allow instead of hammering.
 * @example const summary = await runBatch({ lines, output, baseUrl: 'http://127.0.0.1:8080', apiKey, concurrency: 8 });
 */
export async function runBatch(options: BatchRunOptions): Promise<BatchSummary> {
  const now = options.now ?? Date.now;
  const retry = options.retry ?? new RetryPolicy(DEFAULT_RETRY);
  const base = options.baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
  const headers = { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/json' };
  const signal = options.signal ?? new AbortController().signal;
  const timeoutMs = options.requestTimeoutMs ?? 10 * 60_000;
  const pending = options.lines.filter((l) => !options.output.done.has(l.custom_id));
  const progress: BatchProgress = { total: options.lines.length, done: options.lines.length - pending.length, failed: 0, resumed: options.lines.length - pending.length, startedAt: now() };
  let pausedUntil = 0;
  let next = 0;

  const wait = async (ms: number): Promise<boolean> => {
    if (ms <= 0) return !signal.aborted;
    try {
      await sleepFor(ms, undefined, { signal });
      return true;
    } catch {
      return false;
    }
  };

  /** Sends one line until it has a final answer; undefined when the run was aborted. */
  const send = async (line: BatchLine): Promise<BatchOutputLine | undefined> => {
    const startedAt = now();
    const body = JSON.stringify(line.body);
    for (let attempt = 1; ; attempt++) {
      if (!(await wait(pausedUntil - now()))) return undefined;
      let failure: AttemptFailure;
      let answer: { status: number; requestId: string; body: unknown } | undefined;
      try {
        const res = await fetch(base + line.url, { method: 'POST', headers, body, signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) });
        const text = await res.text();
        answer = { status: res.status, requestId: res.headers.get('x-request-id') ?? '', body: parseBody(text) };
        if (res.ok) return answerLine(line.custom_id, answer.status, answer.requestId, answer.body);
        failure = { status: res.status, errorCode: errorCodeOf(answer.body), headers: (n) => res.headers.get(n) };
      } catch (err) {
        if (signal.aborted) return undefined;
        failure = {};
        answer = undefined;
        void err;
      }
      const d = retry.decide({ attempt, failure, startedAt, now: now() });
      if (!d.retry) {
        return answer
          ? answerLine(line.custom_id, answer.status, answer.requestId, answer.body)
          : errorLine(line.custom_id, 'connection_error', `no answer from ${base} after ${attempt} attempt(s)`);
      }
      if (failure.status === 429) pausedUntil = Math.max(pausedUntil, now() + d.delayMs);
      else if (!(await wait(d.delayMs))) return undefined;
    }
  };

  const worker = async (): Promise<void> => {
    while (!signal.aborted && next < pending.length) {
      const line = pending[next++]!;
      const out = await send(line);
      if (!out) return;
      await options.output.append(out);
      progress.done++;
      if (out.error || (out.response && out.response.status_code >= 300)) progress.failed++;
      options.onProgress?.({ ...progress });
    }
  };

  options.onProgress?.({ ...progress });
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, pending.length)) }, worker));
  return { ...progress, interrupted: signal.aborted && progress.done < progress.total };
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** OpenAI's error code, or `insufficient_quota` when that is the error's type (Tollgate's budget 429). */
function errorCodeOf(body: unknown): string | null {
  const e = (body as { error?: { code?: unknown; type?: unknown } } | null)?.error;
  if (!e) return null;
  if (e.type === 'insufficient_quota') return 'insufficient_quota';
  return typeof e.code === 'string' ? e.code : null;
}
