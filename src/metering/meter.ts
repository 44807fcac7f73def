import type { BudgetService, Reservation } from './budgets/index.ts';
import type { CostBreakdown, PriceCatalog } from './prices/index.ts';
import { computeCost, estimateWorstCase } from './prices/index.ts';
import { countCompletionText, estimatePromptTokens, maxOutputTokensOf, type EstimateEndpoint } from './token-estimate.ts';
import type { TokenUsage } from './usage-record.ts';

/** What the meter knows about one request; lives on the gateway context. */
export interface MeteringState {
  reservation: Reservation | undefined;
  /** performance.now() of the last lease renewal, for long streams. */
  renewedAt: number;
  cost: CostBreakdown | undefined;
  /** Tokens were counted by Tollgate because the upstream reported none. */
  estimated: boolean;
  done: boolean;
}

/** The parts of a gateway request the meter reads and writes. */
export interface MeteredRequest {
  endpoint: string;
  receivedAt: number;
  principal: { keyId: string; userId?: string | null; teamId?: string | null; orgId?: string | null } | undefined;
  modelRequested: string | null;
  modelServed: string | null;
  stream: boolean;
  body: Record<string, unknown> | undefined;
  usage: TokenUsage | undefined;
  serviceTier: string | null;
  streamedText: string;
  errorCode: string | null;
  metering: MeteringState | undefined;
}

export interface MeterOptions {
  catalog: PriceCatalog;
  budgets: BudgetService | undefined;
  /** Called once per process for each model that was used but has no price. */
  onUnpriced?: (model: string) => void;
}

const RENEW_EVERY_MS = 60_000;

const ESTIMATE_ENDPOINTS = new Set(['/v1/chat/completions', '/v1/responses', '/v1/completions', '/v1/embeddings', '/v1/moderations']);

/**
 * The admit (budget reservation) and meter (cost, settlement) stages. Both are cheap when no budget
 * applies: the prompt is tokenized only to reserve against a budget or to bill a stream that ended
 * without usage.
 */
export class Meter {
  private readonly unpricedSeen = new Set<string>();

  constructor(private readonly options: MeterOptions) {}

  /** Reserves the worst-case cost on every budget that applies; throws 429 budget_exceeded. */
  async reserve(req: MeteredRequest): Promise<void> {
    const budgets = this.options.budgets;
    if (!budgets || !req.principal || req.modelRequested === null || !ESTIMATE_ENDPOINTS.has(req.endpoint)) return;
    const p = req.principal;
    const subject = { keyId: p.keyId, userId: p.userId, teamId: p.teamId, orgId: p.orgId };
    if (budgets.budgetsFor(subject).length === 0) return;
    const model = req.modelRequested;
    const price = this.options.catalog.priceFor(model, req.receivedAt);
    // An unpriced model is never blocked: its cost is unknown, and it is reported instead.
    if (!price) return;
    const endpoint = req.endpoint as EstimateEndpoint;
    const body = req.body ?? {};
    const worst = estimateWorstCase(estimatePromptTokens(endpoint, body, model), maxOutputTokensOf(endpoint, body), price);
    if (worst === null) return;
    const reservation = await budgets.reserve(subject, worst, req.receivedAt);
    req.metering = { reservation, renewedAt: performance.now(), cost: undefined, estimated: false, done: false };
  }

  /**
   * Computes the cost from the upstream's usage (or, for a stream cut short, from Tollgate's own count,
   * marked estimated), settles the reservation, or releases it when nothing is billable. Idempotent.
   */
  complete(req: MeteredRequest): MeteringState {
    const state = (req.metering ??= { reservation: undefined, renewedAt: 0, cost: undefined, estimated: false, done: false });
    if (state.done) return state;
    state.done = true;
    let usage = req.usage;
    const model = req.modelServed ?? req.modelRequested;
    // Only a stream that started (its events named the model) and ended without usage is estimated:
    // one the upstream refused outright (404 unknown model, 400, 429, 5xx) was never billed by it.
    if (!usage && req.stream && model !== null && req.modelServed !== null && ESTIMATE_ENDPOINTS.has(req.endpoint) && req.body) {
      const endpoint = req.endpoint as EstimateEndpoint;
      usage = {
        prompt: estimatePromptTokens(endpoint, req.body, req.modelRequested ?? model),
        cached: 0,
        completion: countCompletionText(req.streamedText, model),
        reasoning: 0,
        audioIn: 0,
        audioOut: 0,
      };
      req.usage = usage;
      state.estimated = true;
    }
    if (!usage || model === null) {
      void state.reservation?.release();
      return state;
    }
    const price = this.options.catalog.priceFor(model, req.receivedAt) ?? (req.modelRequested ? this.options.catalog.priceFor(req.modelRequested, req.receivedAt) : undefined);
    const cost = computeCost(
      { prompt: usage.prompt, cached: usage.cached, completion: usage.completion, reasoning: usage.reasoning, audioIn: usage.audioIn, audioOut: usage.audioOut },
      price,
      req.serviceTier,
    );
    state.cost = cost;
    if (!cost.known) this.noteUnpriced(model);
    // Settlement never rejects and needs no waiting: the counters are already updated in memory.
    void state.reservation?.settle(cost.total);
    return state;
  }

  /**
   * Keeps a long stream's reservation alive: its lease would otherwise expire (10 min) and release
   * the held amount while the stream still runs. Cheap to call on every chunk; renews once a minute.
   */
  keepAlive(req: MeteredRequest): void {
    const state = req.metering;
    if (!state?.reservation || state.done) return;
    const now = performance.now();
    if (now - state.renewedAt < RENEW_EVERY_MS) return;
    state.renewedAt = now;
    void state.reservation.renew();
  }

  private noteUnpriced(model: string): void {
    if (this.unpricedSeen.has(model)) return;
    this.unpricedSeen.add(model);
    this.options.onUnpriced?.(model);
  }
}
