import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap } from './http.ts';
import { auditKeys } from './query-keys.ts';
import type { AuditPage } from './types.ts';

export interface AuditFilters {
  action?: string;
  actor?: string;
  target?: string;
  from?: string;
  to?: string;
  after?: string;
}

export function useAudit(filters: AuditFilters, enabled = true) {
  return useQuery({
    queryKey: auditKeys.list({ ...filters }),
    queryFn: () => unwrap<AuditPage>(api.GET('/api/audit', { params: { query: { ...filters, limit: 50 } } })),
    placeholderData: keepPreviousData,
    enabled,
  });
}
