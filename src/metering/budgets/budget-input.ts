import { z } from 'zod';
import { fail } from '../../errors/index.ts';
import { humanName } from '../../http/index.ts';
import { formatUsd, parseUsd, type Nanos } from '../../money/index.ts';
import type { BudgetPlacement } from './budget-placement.ts';
import { BUDGET_SCOPES, type BudgetScope } from './budget.ts';
import { canonicalTimezone, PERIOD_KINDS, type PeriodKind } from './period.ts';

/**
 * The largest budget limit: $5,000,000. Nano-dollars are exact in a JS number up to about $9M, and
 * spent + reserved + a request must stay exact, so larger limits are refused as absurd.
 */
export const MAX_LIMIT_NANOS: Nanos = 5_000_000 * 1e9;

/** What creating a budget needs, already validated. */
export interface CreateBudgetInput {
  name?: string | undefined;
  scope: BudgetScope;
  scopeId: string;
  period: PeriodKind;
  timezone: string;
  limitNanos: Nanos;
  thresholds?: readonly number[] | undefined;
  /** Where the budget belongs (the API resolves it from scope and scope id; see placeBudget). */
  placement?: BudgetPlacement | undefined;
  /** The role its creator acts with there (owner, admin); absent (CLI, system): read as owner. */
  creatorRole?: string | undefined;
}

/** What may change on a budget (scope and scope id may not: create another budget instead). */
export interface UpdateBudgetInput {
  name?: string | undefined;
  period?: PeriodKind | undefined;
  timezone?: string | undefined;
  limitNanos?: Nanos | undefined;
  thresholds?: readonly number[] | undefined;
}

const DECIMAL_USD = /^(\d+)(?:\.\d{1,9})?$/;

const money = z.string({ error: 'must be a decimal string of USD such as "5.00"' }).transform((text, ctx) => {
  const m = DECIMAL_USD.exec(text.trim());
  if (!m) {
    ctx.addIssue({ code: 'custom', message: 'must be a non-negative decimal string of USD with at most 9 decimals, such as "5.00"' });
    return z.NEVER;
  }
  const nanos = m[1]!.length > 7 ? Infinity : parseUsd(text);
  if (nanos > MAX_LIMIT_NANOS) {
    ctx.addIssue({ code: 'custom', message: `must be at most ${formatUsd(MAX_LIMIT_NANOS)}` });
    return z.NEVER;
  }
  return nanos;
});

const timezone = z.string({ error: "must be an IANA time zone such as 'Europe/Berlin'" }).transform((name, ctx) => {
  const tz = canonicalTimezone(name.trim());
  if (tz === undefined) {
    ctx.addIssue({ code: 'custom', message: `'${name.slice(0, 64)}' is not an IANA time zone such as 'Europe/Berlin' or 'UTC'` });
    return z.NEVER;
  }
  return tz;
});

const thresholds = z
  .array(z.number({ error: 'must be an integer from 1 to 100' }).int({ error: 'must be an integer from 1 to 100' }).min(1, { error: 'must be an integer from 1 to 100' }).max(100, { error: 'must be an integer from 1 to 100' }), {
    error: 'must be an array of percent integers such as [50, 80, 100]',
  })
  .max(10, { error: 'may hold at most 10 thresholds' })
  .refine((t) => t.every((v, i) => i === 0 || v > t[i - 1]!), { error: 'must be ascending without duplicates' });

const name = humanName;
const period = z.enum(PERIOD_KINDS as [PeriodKind, ...PeriodKind[]], { error: `must be one of ${PERIOD_KINDS.join(', ')}` });

/** The body of `POST /api/budgets`. */
export const CreateBody = z.strictObject({
  name: name.optional(),
  scope: z.enum(BUDGET_SCOPES as [BudgetScope, ...BudgetScope[]], { error: `must be one of ${BUDGET_SCOPES.join(', ')}` }),
  scope_id: z.string({ error: 'must be a string' }).trim().min(1, { error: 'must not be empty' }).max(200, { error: 'must be at most 200 characters' }),
  period,
  timezone: timezone.optional(),
  limit_usd: money,
  thresholds: thresholds.optional(),
});

/** The body of `PATCH /api/budgets/:id` (scope and scope id cannot change). */
export const UpdateBody = z.strictObject({
  name: name.optional(),
  period: period.optional(),
  timezone: timezone.optional(),
  limit_usd: money.optional(),
  thresholds: thresholds.optional(),
});

/**
 * A create-budget request body (already validated by CreateBody) as the service takes it.
 * @example toCreateBudgetInput(CreateBody.parse({ scope: 'key', scope_id: 'key_1', period: 'daily', limit_usd: '5.00' }))
 */
export function toCreateBudgetInput(b: z.output<typeof CreateBody>): CreateBudgetInput {
  return {
    name: b.name,
    scope: b.scope,
    scopeId: b.scope_id,
    period: b.period,
    timezone: b.timezone ?? 'UTC',
    limitNanos: b.limit_usd,
    thresholds: b.thresholds,
  };
}

/** A change-budget request body (already validated by UpdateBody) as the service takes it. */
export function toUpdateBudgetInput(b: z.output<typeof UpdateBody>): UpdateBudgetInput {
  return { name: b.name, period: b.period, timezone: b.timezone, limitNanos: b.limit_usd, thresholds: b.thresholds };
}

/**
 * Re-checks values that reach the service without the HTTP schema (CLI, tests): a bad time zone or
 * limit must never reach the hot path. Returns the canonical time zone.
 */
export function checkBudgetValues(v: { timezone?: string | undefined; limitNanos?: Nanos | undefined; thresholds?: readonly number[] | undefined }): string | undefined {
  if (v.limitNanos !== undefined && (!Number.isSafeInteger(v.limitNanos) || v.limitNanos < 0 || v.limitNanos > MAX_LIMIT_NANOS)) {
    throw fail('invalid_parameter', { param: 'limit_usd', reason: `must be from 0.00 to ${formatUsd(MAX_LIMIT_NANOS)}` });
  }
  if (v.thresholds !== undefined && !thresholds.safeParse([...v.thresholds]).success) {
    throw fail('invalid_parameter', { param: 'thresholds', reason: 'must be ascending integers from 1 to 100' });
  }
  if (v.timezone === undefined) return undefined;
  const tz = canonicalTimezone(v.timezone);
  if (tz === undefined) throw fail('invalid_parameter', { param: 'timezone', reason: `'${v.timezone.slice(0, 64)}' is not an IANA time zone` });
  return tz;
}
