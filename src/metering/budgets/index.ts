export { BudgetService, createBudgetService, type BudgetServiceOptions } from './budget-service.ts';
export { budgetRoutes } from './budget-routes.ts';
export { BudgetExceededError } from './budget-exceeded-error.ts';
export { Reservation, type ReservationCharge, type SettleOutcome } from './reservation.ts';
export { BUDGET_SCOPES, DEFAULT_THRESHOLDS, type Budget, type BudgetScope, type BudgetSubject } from './budget.ts';
export { MAX_LIMIT_NANOS, type CreateBudgetInput, type UpdateBudgetInput } from './budget-input.ts';
export type { BudgetStatus } from './budget-view.ts';
export { canonicalTimezone, periodOf, PERIOD_KINDS, type Period, type PeriodKind } from './period.ts';
export { signWebhook, verifyWebhook, SIGNATURE_HEADER } from './webhook-signature.ts';
