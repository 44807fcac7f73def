import { keepPreviousData, useQueries, useQuery } from '@tanstack/react-query';
import { api, unwrap } from './http.ts';
import { usageKeys } from './query-keys.ts';
import type { UsageList } from './types.ts';

export interface UsageFilters {
  key_id?: string;
  team_id?: string;
  user_id?: string;
  model?: string;
  from?: string;
  to?: string;
}

export const fetchUsage = (filters: UsageFilters, limit: number) =>
  unwrap<UsageList>(api.GET('/api/usage', { params: { query: { ...filters, limit } } }));

/** Ledger rows (up to `limit`, newest first) and totals over every matching row. */
export function useUsage(filters: UsageFilters, limit = 10_000, options: { refetchInterval?: number } = {}) {
  return useQuery({
    queryKey: usageKeys.list({ ...filters, limit }),
    queryFn: () => fetchUsage(filters, limit),
    placeholderData: keepPreviousData,
    ...options,
  });
}

/**
 * Exact totals for several windows (e.g. one per day): each asks for one row and reads the totals,
 * which the server sums over every matching row, so they hold however many requests there were.
 */
export function useUsageTotals(windows: UsageFilters[], options: { refetchInterval?: number } = {}) {
  return useQueries({
    queries: windows.map((w) => ({
      queryKey: usageKeys.totals({ ...w }),
      queryFn: async () => (await fetchUsage(w, 1)).totals,
      ...options,
    })),
  });
}
