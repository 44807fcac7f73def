import { randomBytes } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { Logger } from 'pino';
import type { AuditEventTable, Store } from '../../state/index.ts';

/** How much of each /v1 request goes into the audit log (`compliance.audit_requests`). */
export type RequestAuditLevel = 'none' | 'metadata';

/** One /v1 request as the audit log keeps it at the `metadata` level: who, what, the outcome; never content. */
export interface RequestAuditEvent {
  at: number;
  /** The user behind the call, else its key; `anonymous` when it was not authenticated. */
  actor: string;
  orgId: string | null;
  /** The endpoint (route pattern, or the path asked for). */
  endpoint: string;
  requestId: string;
  ip: string;
  details: {
    status: number;
    key_id: string | null;
    model_requested: string | null;
    model_served: string | null;
    stream: boolean;
    error_code: string | null;
    cost_nanos: number | null;
    /** The request's sensitivity label (public … restricted) when one was known; never content. */
    classification?: string | null;
  };
}

/** Rows written per insert statement (well under SQLite's and PostgreSQL's parameter limits). */
const ROWS_PER_INSERT = 500;

/**
 * Appends `gateway.request` records to the audit log for /v1 requests, off the request path: `record`
 * only buffers; batches are inserted every `flushIntervalMs` (the chainer links them like every other
 * record). The buffer is bounded: past `maxPending` the oldest events are dropped and that is logged,
 * so a store outage cannot exhaust memory.
 */
export class RequestAuditWriter {
  private pending: Insertable<AuditEventTable>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly options: { flushIntervalMs?: number; maxPending?: number } = {},
  ) {}

  record(e: RequestAuditEvent): void {
    this.pending.push({
      id: `aud_${randomBytes(12).toString('hex')}`,
      at: e.at,
      actor: e.actor,
      action: 'gateway.request',
      target: e.endpoint,
      details: JSON.stringify(e.details),
      org_id: e.orgId,
      before: null,
      after: null,
      request_id: e.requestId,
      ip: e.ip,
    });
    const max = this.options.maxPending ?? 100_000;
    if (this.pending.length > max) {
      const dropped = this.pending.splice(0, this.pending.length - max).length;
      this.log.error({ dropped }, 'request audit buffer full; oldest request records dropped');
    }
    this.timer ??= setTimeout(() => void this.flush(), this.options.flushIntervalMs ?? 200);
  }

  /** Writes what is buffered; resolves when it is committed. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.writing = this.writing.then(() => this.writePending());
    return this.writing;
  }

  close(): Promise<void> {
    return this.flush();
  }

  private async writePending(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, ROWS_PER_INSERT);
      try {
        await this.store.db.insertInto('audit_events').values(batch).execute();
      } catch (err) {
        this.log.error({ err, rows: batch.length }, 'request audit write failed; will retry');
        this.pending.unshift(...batch);
        this.timer ??= setTimeout(() => void this.flush(), 1_000);
        return;
      }
    }
  }
}
