import type { Logger } from 'pino';
import type { BudgetService } from '../../metering/budgets/index.ts';
import { readUsage, type UsageLedger } from '../../metering/index.ts';
import { computeCost, type PriceCatalog } from '../../metering/prices/index.ts';
import type { UpstreamBatchTable } from '../../state/index.ts';
import { jsonlLines } from './jsonl-lines.ts';

type UsageRecord = Parameters<UsageLedger['record']>[0];
import { FINAL_STATUSES, type ObjectRegistry } from './object-registry.ts';

/** The ledger's endpoint for a batch's rows. */
export const BATCH_LEDGER_ENDPOINT = '/v1/batches';

export interface BatchMeterDeps {
  registry: ObjectRegistry;
  ledger: UsageLedger;
  catalog: PriceCatalog;
  /** undefined when no budgets are kept (metering off). */
  budgets: BudgetService | undefined;
  /** The output file's content, streamed from the upstream. */
  download: (fileId: string) => Promise<AsyncIterable<Buffer>>;
  log: Logger;
  /** Largest output line read (an embeddings answer can be large). */
  maxLineBytes: number;
}

interface BatchSnapshot {
  status?: string;
  output_file_id?: string | null;
  completed_at?: number | null;
  cancelled_at?: number | null;
  expired_at?: number | null;
  failed_at?: number | null;
}

/**
 * Meters a finished batch once: one ledger row per answered line of its output file, at the model's
 * batch price, and the total charged to the caller's budgets. Exactly once across retrievals,
 * pollers and instances: the store's conditional update (`claimMetering`) lets one caller through.
 * A download that fails before anything was written gives the claim back, for the next look.
 */
export class BatchMeter {
  constructor(private readonly deps: BatchMeterDeps) {}

  /** Meters `row` if its batch (as `snapshot` shows it) is finished and not metered yet. */
  async meterIfFinished(row: UpstreamBatchTable, snapshot: BatchSnapshot): Promise<void> {
    const status = snapshot.status ?? row.status;
    if (!FINAL_STATUSES.has(status) || row.metering !== 'pending') return;
    const d = this.deps;
    const now = Date.now();
    if (!(await d.registry.claimMetering(row.id, now))) return;
    const finishedAt = (snapshot.completed_at ?? snapshot.cancelled_at ?? snapshot.expired_at ?? snapshot.failed_at ?? Math.floor(now / 1000)) * 1000;
    if (!snapshot.output_file_id) {
      if (row.reservation_id) await d.budgets?.releaseHeld(row.reservation_id);
      await d.registry.meteringDone(row.id, 'none', 0, 0, now);
      return;
    }
    let rows: UsageRecord[];
    try {
      rows = await this.rowsOf(row, snapshot.output_file_id, finishedAt);
    } catch (err) {
      d.log.warn({ err, batch: row.id }, 'batch output could not be read; metering is tried again later');
      await d.registry.releaseMetering(row.id);
      return;
    }
    let total = 0;
    for (const r of rows) total += r.cost_nanos ?? 0;
    const subject = { keyId: row.key_id, userId: row.user_id, teamId: row.team_id, orgId: row.org_id };
    // Ends the hold made at admission (its worst case) and charges what the batch cost.
    const periods = d.budgets ? await d.budgets.charge(subject, total, finishedAt, row.reservation_id ?? undefined) : [];
    const budgetPeriods = periods.join(',') || null;
    for (const r of rows) d.ledger.record({ ...r, budget_periods: budgetPeriods });
    await d.ledger.flush();
    await d.registry.meteringDone(row.id, 'metered', rows.length, total, Date.now());
    d.log.info({ batch: row.id, lines: rows.length, costNanos: total }, 'batch metered');
  }

  /** One ledger row per answered (2xx) line of the output file. */
  private async rowsOf(row: UpstreamBatchTable, outputFileId: string, at: number): Promise<UsageRecord[]> {
    const d = this.deps;
    const rows: UsageRecord[] = [];
    const content = await d.download(outputFileId);
    for await (const { text } of jsonlLines(content, { maxLineBytes: d.maxLineBytes, maxTotalBytes: Number.MAX_SAFE_INTEGER })) {
      let line: { id?: unknown; response?: { status_code?: unknown; request_id?: unknown; body?: { model?: unknown; usage?: unknown } } | null };
      try {
        line = JSON.parse(text) as typeof line;
      } catch {
        d.log.warn({ batch: row.id }, 'a batch output line is not JSON; it is not metered');
        continue;
      }
      const res = line.response;
      const status = typeof res?.status_code === 'number' ? res.status_code : 0;
      if (!res || status < 200 || status >= 300 || typeof line.id !== 'string') continue;
      const model = typeof res.body?.model === 'string' ? res.body.model : null;
      const usage = readUsage(res.body?.usage) ?? { prompt: 0, cached: 0, completion: 0, reasoning: 0, audioIn: 0, audioOut: 0 };
      const price = model === null ? undefined : d.catalog.priceFor(model, at);
      const cost = computeCost(usage, price, 'batch');
      rows.push({
        request_id: `${row.id}:${line.id}`.slice(0, 200),
        created_at: at,
        key_id: row.key_id,
        org_id: row.org_id,
        team_id: row.team_id,
        user_id: row.user_id,
        endpoint: BATCH_LEDGER_ENDPOINT,
        model_requested: model,
        model_served: model,
        status,
        stream: 0,
        prompt_tokens: usage.prompt,
        cached_tokens: usage.cached,
        completion_tokens: usage.completion,
        reasoning_tokens: usage.reasoning,
        audio_in_tokens: usage.audioIn,
        audio_out_tokens: usage.audioOut,
        latency_ms: 0,
        upstream_request_id: typeof res.request_id === 'string' ? res.request_id.slice(0, 200) : null,
        error_code: null,
        service_tier: cost.tier,
        cost_nanos: cost.total,
        cost_input_nanos: cost.input,
        cost_cached_nanos: cost.cached,
        cost_cache_write_nanos: cost.cacheWrite,
        cost_output_nanos: cost.output,
        cost_reasoning_nanos: cost.reasoning,
        cost_audio_nanos: cost.audio,
        cost_tier_discount_nanos: cost.tierDiscount,
        estimated: 0,
        budget_periods: null,
        cache_status: null,
        cache_saved_nanos: 0,
        attempts: 1,
        deployments_tried: null,
      });
    }
    return rows;
  }
}
