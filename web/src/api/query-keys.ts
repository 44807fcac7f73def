/**
 * One query-key factory per resource: every cache entry of a resource starts with its `all` key, so
 * a change invalidates exactly that resource (`queryClient.invalidateQueries({ queryKey: keyKeys.all })`).
 */

type Filters = Record<string, string | number | boolean | undefined | null>;

export const meKeys = { all: ['me'] as const };
export const sessionKeys = { all: ['sessions'] as const };
export const orgKeys = {
  all: ['orgs'] as const,
  list: () => [...orgKeys.all, 'list'] as const,
  detail: (id: string) => [...orgKeys.all, 'detail', id] as const,
  sso: (id: string) => [...orgKeys.all, 'sso', id] as const,
};
export const teamKeys = {
  all: ['teams'] as const,
  list: () => [...teamKeys.all, 'list'] as const,
  members: (teamId: string) => [...teamKeys.all, 'members', teamId] as const,
};
export const userKeys = {
  all: ['users'] as const,
  list: () => [...userKeys.all, 'list'] as const,
  detail: (id: string) => [...userKeys.all, 'detail', id] as const,
};
export const invitationKeys = {
  all: ['invitations'] as const,
  list: (f: Filters) => [...invitationKeys.all, 'list', f] as const,
  preview: (token: string) => [...invitationKeys.all, 'preview', token] as const,
};
export const keyKeys = {
  all: ['keys'] as const,
  list: (f: Filters) => [...keyKeys.all, 'list', f] as const,
};
export const budgetKeys = {
  all: ['budgets'] as const,
  list: () => [...budgetKeys.all, 'list'] as const,
  alerts: () => [...budgetKeys.all, 'alerts'] as const,
};
export const priceKeys = {
  all: ['prices'] as const,
  list: () => [...priceKeys.all, 'list'] as const,
  detail: (model: string) => [...priceKeys.all, 'detail', model] as const,
};
export const auditKeys = {
  all: ['audit'] as const,
  list: (f: Filters) => [...auditKeys.all, 'list', f] as const,
};
export const usageKeys = {
  all: ['usage'] as const,
  list: (f: Filters) => [...usageKeys.all, 'list', f] as const,
  totals: (f: Filters) => [...usageKeys.all, 'totals', f] as const,
};
export const conversationKeys = {
  all: ['conversations'] as const,
  lists: () => [...conversationKeys.all, 'list'] as const,
  list: (f: Filters) => [...conversationKeys.lists(), f] as const,
  detail: (id: string) => [...conversationKeys.all, 'detail', id] as const,
  messages: (id: string) => [...conversationKeys.all, 'messages', id] as const,
  search: (q: string) => [...conversationKeys.all, 'search', q] as const,
  folders: () => [...conversationKeys.all, 'folders'] as const,
  shares: (id: string) => [...conversationKeys.all, 'shares', id] as const,
};
export const templateKeys = {
  all: ['templates'] as const,
  list: (category?: string) => [...templateKeys.all, 'list', category ?? 'all'] as const,
};
export const modelKeys = { all: ['models'] as const, catalog: () => ['models', 'catalog'] as const };
export const sharedKeys = { all: ['shared'] as const, detail: (token: string) => ['shared', token] as const };
export const retentionKeys = {
  all: ['retention'] as const,
  org: (id: string) => [...retentionKeys.all, 'org', id] as const,
  team: (id: string) => [...retentionKeys.all, 'team', id] as const,
};
