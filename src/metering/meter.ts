import type { BudgetService, Reservation } from './budgets/index.ts';
import type { CostBreakdown, PriceCatalog } from './prices/index.ts';
import { computeCost, estimateWorstCase } from './prices/index.ts';
import { modelNotPriced } from './model-not-priced-error.ts';
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
  principal: { keyId: string; userId?: string | null; teamId?: string | null; orgId?: string | null; allowUnpricedModels?: boolean } | undefined;
  modelRequested: string | null;
  modelServed: string | null;
  stream: boolean;
  body: Record<string, unknown> | undefined;
  usage: TokenUsage | undefined;
  /** The upstream's HTTP status; null when it never answered (refused, unreachable, client gone first). */
  upstreamStatus: number | null;
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
  /** The model a name asked for stands for (a model alias, tollgate.yaml's upstream.aliases): reserved at its price. */
  resolveModel?: ((model: string) => string) | undefined;
}

const RENEW_EVERY_MS = 60_000;
const NO_TOKENS: TokenUsage = Object.freeze({ prompt: 0, cached: 0, completion: 0, reasoning: 0, audioIn: 0, audioOut: 0 });

const ESTIMATE_ENDPOINTS = new Set(['/v1/chat/completions', '/v1/responses', '/v1/completions', '/v1/embeddings', '/v1/moderations']);

/**
 * The admit (budget reservation) and meter (cost, settlement) stages. Both are cheap when no budget
 * applies: the prompt is tokenized only to reserve against a budget or to bill a stream that ended
 * without usage.
 */
export class Meter {
  private readonly unpricedSeen = new Set<string>();

  constructor(private readonly options: MeterOptions) {}

  /**
   * Reserves the worst-case cost on every budget that applies; throws 429 budget_exceeded. A model
   * without a price cannot be counted against a budget: it is refused (403 model_not_priced) unless
   * the caller's organization allows unpriced models; then it reserves nothing, is refused only by a
   * budget already spent, and is counted as unpriced when it settles.
   */
  reserve(req: MeteredRequest): void | Promise<void> {
    const budgets = this.options.budgets;
    if (!budgets || !req.principal || req.modelRequested === null || !ESTIMATE_ENDPOINTS.has(req.endpoint)) return;
    const p = req.principal;
    const subject = { keyId: p.keyId, userId: p.userId, teamId: p.teamId, orgId: p.orgId };
    if (budgets.budgetsFor(subject).length === 0) return;
    const model = this.options.resolveModel?.(req.modelRequested) ?? req.modelRequested;
    const price = this.options.catalog.priceFor(model, req.receivedAt);
    let worst: number | null = 0;
    if (price) {
      const endpoint = req.endpoint as EstimateEndpoint;
      const body = req.body ?? {};
      worst = estimateWorstCase(estimatePromptTokens(endpoint, body, model), maxOutputTokensOf(endpoint, body), price);
    } else if (!p.allowUnpricedModels) {
      throw modelNotPriced(model, p.orgId ?? null);
    }
    if (worst === null) return;
    return budgets.reserve(subject, worst, req.receivedAt).then((reservation) => {
      if (req.metering?.done) {
        // The request was already completed (its client left while the reservation was made): nothing will settle it.
        void reservation.release();
        return;
      }
      req.metering = { reservation, renewedAt: performance.now(), cost: undefined, estimated: false, done: false };
    });
  }

  /**
   * Computes the cost and settles the reservation. Only what the upstream could have billed is
   * charged: a request it never accepted (no 2xx: refused by Tollgate, rejected or unreachable
   * upstream, client gone before the answer) costs nothing and its reservation is released. An
   * accepted request is billed from the upstream's usage; when an accepted answer broke before its
   * usage arrived, from Tollgate's own count (the prompt, and the text relayed so far), marked
   * `estimated`. Endpoints whose answers carry no usage (moderations) are billed at their price for
   * zero tokens, so their cost is known (0), not missing. Idempotent.
   */
  complete(req: MeteredRequest): MeteringState {
    const state = (req.metering ??= { reservation: undefined, renewedAt: 0, cost: undefined, estimated: false, done: false });
    if (state.done) return state;
    state.done = true;
    const accepted = req.upstreamStatus !== null && req.upstreamStatus >= 200 && req.upstreamStatus < 300;
    const model = req.modelServed ?? req.modelRequested;
    if (!accepted || model === null || !ESTIMATE_ENDPOINTS.has(req.endpoint)) {
      void state.reservation?.release();
      return state;
    }
    let usage = req.usage;
    if (!usage && req.endpoint === '/v1/moderations' && req.errorCode === null) {
      usage = NO_TOKENS;
    } else if (!usage) {
      const endpoint = req.endpoint as EstimateEndpoint;
      usage = {
        prompt: req.body ? estimatePromptTokens(endpoint, req.body, req.modelRequested ?? model) : 0,
        cached: 0,
        completion: countCompletionText(req.streamedText, model),
        reasoning: 0,
        audioIn: 0,
        audioOut: 0,
      };
      req.usage = usage;
      state.estimated = true;
    }
    const asked = req.modelRequested && (this.options.resolveModel?.(req.modelRequested) ?? req.modelRequested);
    const price = this.options.catalog.priceFor(model, req.receivedAt) ?? (asked ? this.options.catalog.priceFor(asked, req.receivedAt) : undefined);
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
