import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { SIGNATURE_HEADER, signWebhook } from './webhook-signature.ts';

export interface WebhookSenderOptions {
  url: string;
  /** HMAC key; without it deliveries are unsigned. */
  secret?: string | undefined;
  /** Per attempt. Default 5 s. */
  timeoutMs?: number | undefined;
  /** Waits before each retry; their count bounds the retries. Default 1 s, 5 s, 25 s. */
  retryDelaysMs?: readonly number[] | undefined;
  log: Logger;
  now?: () => number;
}

/** One event to deliver: its id (repeated on retries, for receivers to deduplicate), type and JSON body. */
export interface WebhookEvent {
  id: string;
  type: string;
  body: unknown;
}

/**
 * Delivers JSON webhooks in the background: POST with a signature header, a timeout per attempt and
 * a few retries with back-off on network errors, 408, 429 and 5xx. `send` never throws and never waits.
 * @example sender.send({ id: 'alt_1', type: 'budget.threshold_crossed', body: { … } });
 */
export class WebhookSender {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly closing = new AbortController();
  private readonly now: () => number;

  constructor(private readonly options: WebhookSenderOptions) {
    this.now = options.now ?? Date.now;
  }

  send(event: WebhookEvent): void {
    const p = this.deliver(event).catch((err: unknown) => this.options.log.error({ err, webhook: event.id }, 'webhook delivery crashed'));
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  /** Waits for every delivery in progress, retries included. */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Stops waiting retries (logged as undelivered) and waits for attempts in progress. */
  async close(): Promise<void> {
    this.closing.abort();
    await this.flush();
  }

  private async deliver(event: WebhookEvent): Promise<void> {
    const body = JSON.stringify(event.body);
    const delays = this.options.retryDelaysMs ?? [1_000, 5_000, 25_000];
    let last = '';
    for (let attempt = 0; attempt <= delays.length; attempt++) {
      if (attempt > 0) {
        try {
          await sleep(delays[attempt - 1]!, undefined, { signal: this.closing.signal });
        } catch {
          break;
        }
      }
      const outcome = await this.attempt(event, body);
      if (outcome === 'ok') return;
      last = outcome;
      if (!retryable(outcome)) break;
    }
    this.options.log.warn({ webhook: event.id, type: event.type, outcome: last }, 'webhook not delivered');
  }

  /** 'ok', 'status <n>' or the network error's message. */
  private async attempt(event: WebhookEvent, body: string): Promise<string> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'tollgate-webhooks',
      'x-tollgate-event': event.type,
      'x-tollgate-delivery': event.id,
    };
    if (this.options.secret) headers[SIGNATURE_HEADER] = signWebhook(body, this.options.secret, Math.floor(this.now() / 1000));
    try {
      const res = await fetch(this.options.url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
      });
      await res.body?.cancel();
      return res.ok ? 'ok' : `status ${res.status}`;
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  }
}

function retryable(outcome: string): boolean {
  const m = /^status (\d+)$/.exec(outcome);
  if (!m) return true;
  const status = Number(m[1]);
  return status === 408 || status === 429 || status >= 500;
}
