import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from './http.ts';
import { budgetKeys } from './query-keys.ts';
import type { Alert, Budget, BudgetPeriod, BudgetScope, List } from './types.ts';

export function useBudgets(enabled = true) {
  return useQuery({ queryKey: budgetKeys.list(), queryFn: () => unwrap<List<Budget>>(api.GET('/api/budgets')), enabled, refetchInterval: 30_000 });
}
export function useAlerts() {
  return useQuery({ queryKey: budgetKeys.alerts(), queryFn: () => unwrap<List<Alert>>(api.GET('/api/alerts', { params: { query: { limit: 100 } } })) });
}

export interface BudgetInput {
  name?: string;
  scope: BudgetScope;
  scope_id: string;
  period: BudgetPeriod;
  timezone?: string;
  limit_usd: string;
  thresholds?: number[];
}

export const createBudget = (body: BudgetInput) => unwrap<Budget>(api.POST('/api/budgets', { body }));
export const updateBudget = (id: string, body: Partial<Omit<BudgetInput, 'scope' | 'scope_id'>>) =>
  unwrap<Budget>(api.PATCH('/api/budgets/{id}', { params: { path: { id } }, body }));
export const deleteBudget = (id: string) => unwrap<unknown>(api.DELETE('/api/budgets/{id}', { params: { path: { id } } }));
