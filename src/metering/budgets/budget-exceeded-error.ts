import { TollgateError, type OpenAIErrorBody } from '../../http/index.ts';
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
    super('budget_exceeded', message(budget, period, usage), {
      status: 429,
      type: 'rate_limit_error',
      headers: retryAfter === undefined ? NO_RETRY : { ...NO_RETRY, 'retry-after': String(retryAfter) },
    });
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

function message(b: Budget, p: Period, u: { spent: Nanos; reserved: Nanos; limit: Nanos; requested: Nanos }): string {
  const inFlight = u.reserved > 0 ? `, $${formatUsd(u.reserved)} is held by requests in flight` : '';
  const reset =
    p.end === null ? 'It is a total budget and does not reset; raise its limit to continue.' : `It resets at ${new Date(p.end).toISOString()}.`;
  return (
    `Budget '${b.name}' (${b.id}) exceeded: $${formatUsd(u.spent)} spent of its $${formatUsd(u.limit)} ${b.period} limit${inFlight}, ` +
    `and this request may cost up to $${formatUsd(u.requested)}. ${reset}`
  );
}
