import { randomBytes } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { Logger } from 'pino';
import type { AuditEventTable, Store } from '../../state/index.ts';
import { PLAINTEXT, type FieldCipher } from '../crypto/field-cipher.ts';

/** How much of each /v1 request goes into the audit log (`compliance.audit_requests`). */
export type RequestAuditLevel = 'none' | 'metadata' | 'full';

/** What a `full` record keeps of the exchange: the request as sent upstream and the answer as the client got it. */
export interface AuditedContent {
  /** The request body sent upstream (after any redaction), or null when nothing was sent. */
  request: string | null;
  /** The answer as written to the client (a JSON body or the stream's events), or null when there was none. */
  response: string | null;
  /** Either side was longer than the record keeps (the start is kept). */
  truncated: boolean;
}

/** What a sealed content value is bound to: its record's `after` column. */
export const requestContentAad = (auditId: string) => `audit_events/${auditId}/after`;

/** Characters of content buffered while waiting for a write; past it, new records keep metadata only. */
const MAX_PENDING_CONTENT_CHARS = 64 * 1024 * 1024;

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
    /** At level `full`: `sealed` (in `after`), or why the content is not kept (`classification`, `no_organization`, `buffer_full`). */
    content?: string;
  };
  /** At level `full`: the exchange, sealed under the user's data key (else the organization's) before it is stored. */
  content?: AuditedContent | undefined;
  /** Whose data key seals the content (erasing them makes it unreadable). */
  userId?: string | null;
}

interface PendingRecord {
  row: Insertable<AuditEventTable>;
  content?: { text: string; userId: string | null };
}

/** Rows written per insert statement (well under SQLite's and PostgreSQL's parameter limits). */
const ROWS_PER_INSERT = 500;

/**
 * Appends `gateway.request` records to the audit log for /v1 requests, off the request path: `record`
 * only buffers; batches are inserted every `flushIntervalMs` (the chainer links them like every other
 * record). At level `full` a record also holds the exchange, sealed (AES-GCM under the user's or the
 * organization's data key) into `after` when it is written. The buffer is bounded: past `maxPending`
 * the oldest events are dropped and that is logged, and past 64 M characters of content waiting, new
 * records keep their metadata only (`details.content: 'buffer_full'`), so a store outage cannot
 * exhaust memory.
 */
export class RequestAuditWriter {
  private pending: PendingRecord[] = [];
  private pendingContentChars = 0;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly options: { flushIntervalMs?: number; maxPending?: number; level?: RequestAuditLevel; cipher?: FieldCipher } = {},
  ) {}

  /** `metadata` or `full` (content as well). */
  get level(): RequestAuditLevel {
    return this.options.level ?? 'metadata';
  }

  record(e: RequestAuditEvent): void {
    const details = { ...e.details };
    let content: PendingRecord['content'];
    if (e.content) {
      const text = JSON.stringify(e.content);
      if (e.orgId === null) details.content = 'no_organization';
      else if (this.pendingContentChars + text.length > MAX_PENDING_CONTENT_CHARS) details.content = 'buffer_full';
      else {
        details.content = 'sealed';
        content = { text, userId: e.userId ?? null };
        this.pendingContentChars += text.length;
      }
    }
    const row: Insertable<AuditEventTable> = {
      id: `aud_${randomBytes(12).toString('hex')}`,
      at: e.at,
      actor: e.actor,
      action: 'gateway.request',
      target: e.endpoint,
      details: JSON.stringify(details),
      org_id: e.orgId,
      before: null,
      after: null,
      request_id: e.requestId,
      ip: e.ip,
    };
    this.pending.push(content ? { row, content } : { row });
    const max = this.options.maxPending ?? 100_000;
    if (this.pending.length > max) {
      const dropped = this.pending.splice(0, this.pending.length - max);
      for (const d of dropped) this.pendingContentChars -= d.content?.text.length ?? 0;
      this.log.error({ dropped: dropped.length }, 'request audit buffer full; oldest request records dropped');
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
    const cipher = this.options.cipher ?? PLAINTEXT;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, ROWS_PER_INSERT);
      try {
        const rows: Insertable<AuditEventTable>[] = [];
        for (const p of batch) {
          const c = p.content;
          // Sealed here, off the request path; the data key may be created on first use.
          rows.push(c ? { ...p.row, after: await cipher.seal(p.row.org_id!, c.text, requestContentAad(p.row.id), c.userId ? { userId: c.userId } : undefined) } : p.row);
        }
        await this.store.db.insertInto('audit_events').values(rows).execute();
        for (const p of batch) this.pendingContentChars -= p.content?.text.length ?? 0;
      } catch (err) {
        this.log.error({ err, rows: batch.length }, 'request audit write failed; will retry');
        this.pending.unshift(...batch);
        this.timer ??= setTimeout(() => void this.flush(), 1_000);
        return;
      }
    }
  }
}
