import { fail, TollgateError, type OpenAIErrorBody } from '../../errors/index.ts';
import { formatUsd, type Nanos } from '../../money/index.ts';
import type { Budget } from './budget.ts';
import type { Period } from './period.ts';

const NO_RETRY = { 'x-should-retry': 'false' } as const;

/**
 * 429 `budget_exceeded`: a budget has no room for the request's worst-case cost. The body's `type`
 * is `insufficient_quota`, as for OpenAI's own quota error; OpenAI SDKs raise a RateLimitError.
 * `Retry-After` tells the seconds until the budget resets (absent for `total` budgets), for people:
 * `x-should-retry: false` tells SDKs not to wait for it (openai-node would sleep until the reset).
 * @example throw new BudgetExceededError(budget, period, { spent, reserved, requested }, Date.now());
 */
export class BudgetExceededError extends TollgateError {
  override name = 'BudgetExceededError';
  readonly budgetId: string;
  readonly periodId: string;
  readonly spent: Nanos;
  readonly reserved: Nanos;
  readonly limit: Nanos;
  readonly requested: Nanos;
  /** Epoch ms, or null for a budget that never resets. */
  readonly resetsAt: number | null;

  constructor(budget: Budget, period: Period, usage: { spent: Nanos; reserved: Nanos; limit: Nanos; requested: Nanos }, at: number) {
    const retryAfter = period.end === null ? undefined : Math.max(1, Math.ceil((period.end - at) / 1000));
    const e = fail('budget_exceeded', vars(budget, period, usage), { headers: retryAfter === undefined ? NO_RETRY : { ...NO_RETRY, 'retry-after': String(retryAfter) } });
    super(e.code, e.message, { status: e.status, type: e.type, retry: e.retry, headers: e.headers });
    this.budgetId = budget.id;
    this.periodId = period.id;
    this.spent = usage.spent;
    this.reserved = usage.reserved;
    this.limit = usage.limit;
    this.requested = usage.requested;
    this.resetsAt = period.end;
  }

  override toBody(): OpenAIErrorBody {
    const body = super.toBody();
    body.error.type = 'insufficient_quota';
    return body;
  }
}

function vars(b: Budget, p: Period, u: { spent: Nanos; reserved: Nanos; limit: Nanos; requested: Nanos }) {
  return {
    name: b.name,
    id: b.id,
    spent: formatUsd(u.spent),
    limit: formatUsd(u.limit),
    period: b.period,
    in_flight: u.reserved > 0 ? `, $${formatUsd(u.reserved)} is held by requests in flight` : '',
    requested: formatUsd(u.requested),
    reset: p.end === null ? 'It is a total budget and does not reset; raise its limit to continue.' : `It resets at ${new Date(p.end).toISOString()}.`,
  };
}
