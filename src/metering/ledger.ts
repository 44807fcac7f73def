import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Logger } from 'pino';
import { visibleWhere, type Visibility } from '../access/index.ts';
import type { Database, Store } from '../state/index.ts';
import { DAILY_KEYS, DAILY_SUMS, dailyValues, rollUp, upsertDaily } from './daily-rollup.ts';
import { SqliteLedgerWriter } from './sqlite-ledger-writer.ts';
import type { UsageRecord } from './usage-record.ts';

/** Which rows a caller may see: their visibility, and whether rows with no organization count as theirs. */
export interface UsageScope {
  visibility: Visibility;
  /** Rows without an organization (unauthenticated requests) belong to the home organization. */
  includeUnplaced: boolean;
}

export interface UsageQuery {
  /** Only these rows (absent: every row, for the operator's tools). */
  scope?: UsageScope | undefined;
  keyId?: string | undefined;
  teamId?: string | undefined;
  userId?: string | undefined;
  model?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  limit: number;
}

export interface UsageTotals {
  requests: number;
  prompt_tokens: number;
  cached_tokens: number;
  completion_tokens: number;
  reasoning_tokens: number;
  /** Sum over priced rows, integer nano-dollars. */
  cost_nanos: number;
  /** Successful rows whose model has no price: their cost is unknown, not 0. */
  unpriced_requests: number;
}

export interface LedgerOptions {
  /** Rows are written in batches at most this often… */
  flushIntervalMs?: number;
  /** …or as soon as this many are waiting. */
  batchSize?: number;
  /** Rows kept in memory when the store is failing; past this, the oldest are dropped and logged. */
  maxPending?: number;
  /** SQLite file: write batches from a worker thread (default) or on the calling thread. */
  writerThread?: boolean;
}

/** The WHERE condition of the ledger rows a scope lets through (placement columns org_id, team_id, user_id). */
export function usageVisible(eb: ExpressionBuilder<Database, 'usage_records'>, scope: UsageScope): Expression<SqlBool> {
  const placed = visibleWhere(eb, scope.visibility, { org: 'usage_records.org_id', team: 'usage_records.team_id', owner: 'usage_records.user_id' });
  if (!scope.includeUnplaced || !scope.visibility.all) return placed;
  return eb.or([placed, sql<SqlBool>`usage_records.org_id is null`]);
}

/**
 * The usage ledger. `record` is synchronous and cheap (the hot path only appends to a buffer);
 * rows reach the store in batched inserts. Reads flush first, so they always see every recorded row.
 */
export class UsageLedger {
  private pending: UsageRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly interval: number;
  private readonly batchSize: number;
  private readonly maxPending: number;
  /** SQLite: one prepared statement run per row (a tenth of the cost of building a multi-row insert each flush). */
  private readonly insertPrepared: ((rows: readonly UsageRecord[]) => void) | undefined;
  /** SQLite file: the worker thread that writes the batches (started at the first write, after migrations). */
  private writer: SqliteLedgerWriter | undefined;
  private writerPath: string | undefined;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    options: LedgerOptions = {},
  ) {
    this.interval = options.flushIntervalMs ?? 50;
    this.batchSize = options.batchSize ?? 500;
    this.maxPending = options.maxPending ?? 100_000;
    this.insertPrepared = store.sqlite ? preparedInsert(store.sqlite) : undefined;
    // An in-memory database lives on this thread's connection only, so it keeps the in-thread writes.
    this.writerPath = store.sqlite && !store.sqlite.memory && options.writerThread !== false ? store.sqlite.name : undefined;
  }

  record(row: UsageRecord): void {
    this.pending.push(row);
    if (this.pending.length >= this.batchSize) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.interval);
  }

  /** Writes every pending row. Concurrent callers share one ordered chain of writes. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.flushing = this.flushing.then(() => this.writePending());
    return this.flushing;
  }

  async get(requestId: string): Promise<UsageRecord | undefined> {
    await this.flush();
    return this.store.db.selectFrom('usage_records').selectAll().where('request_id', '=', requestId).executeTakeFirst();
  }

  async query(q: UsageQuery): Promise<{ rows: UsageRecord[]; totals: UsageTotals }> {
    await this.flush();
    let base = this.store.db.selectFrom('usage_records');
    const scope = q.scope;
    if (scope) base = base.where((eb) => usageVisible(eb, scope));
    if (q.keyId !== undefined) base = base.where('key_id', '=', q.keyId);
    if (q.teamId !== undefined) base = base.where('team_id', '=', q.teamId);
    if (q.userId !== undefined) base = base.where('user_id', '=', q.userId);
    if (q.model !== undefined) {
      const model = q.model;
      base = base.where((eb) => eb.or([eb('model_requested', '=', model), eb('model_served', '=', model)]));
    }
    if (q.from !== undefined) base = base.where('created_at', '>=', q.from);
    if (q.to !== undefined) base = base.where('created_at', '<', q.to);
    const [rows, totals] = await Promise.all([
      base.selectAll().orderBy('created_at', 'desc').orderBy('request_id', 'desc').limit(q.limit).execute(),
      base
        .select((eb) => [
          eb.fn.countAll<number>().as('requests'),
          eb.fn.coalesce(eb.fn.sum<number>('prompt_tokens'), eb.lit(0)).as('prompt_tokens'),
          eb.fn.coalesce(eb.fn.sum<number>('cached_tokens'), eb.lit(0)).as('cached_tokens'),
          eb.fn.coalesce(eb.fn.sum<number>('completion_tokens'), eb.lit(0)).as('completion_tokens'),
          eb.fn.coalesce(eb.fn.sum<number>('reasoning_tokens'), eb.lit(0)).as('reasoning_tokens'),
          eb.fn.coalesce(eb.fn.sum<number>('cost_nanos'), eb.lit(0)).as('cost_nanos'),
          eb.fn
            .count<number>('request_id')
            .filterWhere((w) => w.and([w('cost_nanos', 'is', null), w('status', '<', 400), w('error_code', 'is', null)]))
            .as('unpriced_requests'),
        ])
        .executeTakeFirstOrThrow(),
    ]);
    // PostgreSQL returns sum() of integers as numeric (a string); normalise.
    const t = totals as Record<keyof UsageTotals, unknown>;
    return {
      rows,
      totals: {
        requests: Number(t.requests),
        prompt_tokens: Number(t.prompt_tokens),
        cached_tokens: Number(t.cached_tokens),
        completion_tokens: Number(t.completion_tokens),
        reasoning_tokens: Number(t.reasoning_tokens),
        cost_nanos: Number(t.cost_nanos),
        unpriced_requests: Number(t.unpriced_requests),
      },
    };
  }

  /** Deletes raw rows older than the cutoff (epoch ms); the daily roll-up keeps their sums. */
  async prune(before: number): Promise<number> {
    await this.flush();
    const r = await this.store.db.deleteFrom('usage_records').where('created_at', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async close(): Promise<void> {
    await this.flush();
    await this.writer?.close();
  }

  private async writePending(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.batchSize);
      try {
        const writer = this.threadWriter();
        if (writer) {
          await writer.write(batch.map((row) => ledgerValues(row)), rollUp(batch).map(dailyValues));
          continue;
        }
        await this.store.db.transaction().execute(async (trx) => {
          if (this.insertPrepared) this.insertPrepared(batch);
          else await trx.insertInto('usage_records').values(batch).execute();
          await upsertDaily(trx, rollUp(batch));
        });
      } catch (err) {
        this.log.error({ err, rows: batch.length }, 'usage ledger write failed; will retry');
        this.pending.unshift(...batch);
        const overflow = this.pending.length - this.maxPending;
        if (overflow > 0) {
          this.pending.splice(0, overflow);
          this.log.error({ dropped: overflow }, 'usage ledger buffer full; oldest rows dropped');
        }
        this.timer ??= setTimeout(() => void this.flush(), 1_000);
        return;
      }
    }
  }

  /** The writer thread for a SQLite file, unless it has crashed (then this thread writes, as before). */
  private threadWriter(): SqliteLedgerWriter | undefined {
    if (this.writerPath === undefined) return undefined;
    if (this.writer && !this.writer.alive) {
      this.log.error('usage ledger writer thread stopped; writing on the main thread from now on');
      this.writerPath = undefined;
      this.writer = undefined;
      return undefined;
    }
    this.writer ??= new SqliteLedgerWriter(this.writerPath, {
      ledgerColumns: LEDGER_COLUMNS.map(([name]) => name),
      dailyKeys: DAILY_KEYS,
      dailySums: DAILY_SUMS,
    });
    return this.writer;
  }
}

/** A ledger row as values in the order of LEDGER_COLUMNS, missing fields filled in (into `values` when given). */
function ledgerValues(row: UsageRecord, values: unknown[] = new Array<unknown>(LEDGER_COLUMNS.length)): unknown[] {
  for (let i = 0; i < LEDGER_COLUMNS.length; i++) {
    const [name, missing] = LEDGER_COLUMNS[i]!;
    values[i] = row[name] ?? missing;
  }
  return values;
}

/** Every column of a ledger row, in one fixed order, with the value a missing field takes. */
const LEDGER_COLUMNS: readonly (readonly [keyof UsageRecord, 0 | null])[] = [
  ['request_id', null], ['created_at', null], ['key_id', null], ['org_id', null], ['team_id', null], ['user_id', null],
  ['endpoint', null], ['model_requested', null], ['model_served', null], ['status', null], ['stream', 0],
  ['prompt_tokens', 0], ['cached_tokens', 0], ['completion_tokens', 0], ['reasoning_tokens', 0],
  ['audio_in_tokens', 0], ['audio_out_tokens', 0], ['latency_ms', null], ['upstream_request_id', null],
  ['error_code', null], ['service_tier', null], ['cost_nanos', null], ['cost_input_nanos', 0], ['cost_cached_nanos', 0],
  ['cost_cache_write_nanos', 0], ['cost_output_nanos', 0], ['cost_reasoning_nanos', 0], ['cost_audio_nanos', 0],
  ['cost_tier_discount_nanos', 0], ['estimated', 0], ['budget_periods', null],
  ['cache_status', null], ['cache_saved_nanos', 0],
  ['attempts', 0], ['deployments_tried', null],
];

/** Inserts rows with one prepared statement; run inside a transaction open on the same connection. */
function preparedInsert(sqlite: NonNullable<Store['sqlite']>): (rows: readonly UsageRecord[]) => void {
  const names = LEDGER_COLUMNS.map(([name]) => name);
  const statement = sqlite.prepare(`insert into usage_records (${names.join(', ')}) values (${names.map(() => '?').join(', ')})`);
  const values = new Array<unknown>(names.length); // reused: each run copies the values into SQLite
  return (rows) => {
    for (const row of rows) statement.run(ledgerValues(row, values));
  };
}
