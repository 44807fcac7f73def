import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { downloadBlob } from '../lib/download.ts';
import { isApiError } from './api-error.ts';
import { request } from './http.ts';
import { conversationKeys, modelKeys, sharedKeys, templateKeys } from './query-keys.ts';
import type {
  CatalogModel, Conversation, ConversationSummary, CursorList, Estimate, Folder, Message, SearchHit, Share, SharedConversation, Template, TemplateCategory,
  TemplateVariable,
} from './workspace-types.ts';
import type { List } from './types.ts';

/** Don't retry a route that this server does not have (the workspace backend not installed yet). */
const retryUnlessMissing = (count: number, err: unknown) => !(isApiError(err) && (err.isMissingRoute || err.status < 500)) && count < 2;

export interface ConversationFilters {
  q?: string;
  folder?: string;
  pinned?: boolean;
  archived?: boolean;
}

export function useConversations(filters: ConversationFilters = {}) {
  return useQuery({
    queryKey: conversationKeys.list({ ...filters }),
    queryFn: () => request<CursorList<ConversationSummary>>('/api/conversations', { query: { ...filters, limit: 200 } }),
    retry: retryUnlessMissing,
    placeholderData: keepPreviousData,
  });
}

export function useConversation(id: string | undefined) {
  return useQuery({
    queryKey: conversationKeys.detail(id ?? ''),
    queryFn: () => request<Conversation>(`/api/conversations/${encodeURIComponent(id!)}`),
    enabled: Boolean(id),
    retry: retryUnlessMissing,
  });
}

export function useMessages(id: string | undefined) {
  return useQuery({
    queryKey: conversationKeys.messages(id ?? ''),
    queryFn: () => request<List<Message>>(`/api/conversations/${encodeURIComponent(id!)}/messages`),
    enabled: Boolean(id),
    retry: retryUnlessMissing,
    // Switching back to a conversation shows it at once; it refreshes only when it is old.
    staleTime: 5 * 60_000,
  });
}

export function useFolders() {
  return useQuery({
    queryKey: conversationKeys.folders(),
    queryFn: () => request<List<Folder>>('/api/conversations/folders'),
    retry: retryUnlessMissing,
  });
}

export function useConversationSearch(q: string) {
  return useQuery({
    queryKey: conversationKeys.search(q),
    queryFn: () => request<List<SearchHit>>('/api/conversations/search', { query: { q, limit: 30 } }),
    enabled: q.trim().length > 0,
    retry: retryUnlessMissing,
    placeholderData: keepPreviousData,
  });
}

export const createConversation = (body: { model: string; title?: string; folder?: string; tags?: string[] }) =>
  request<Conversation>('/api/conversations', { body });
export const updateConversation = (id: string, body: Partial<Pick<Conversation, 'title' | 'model' | 'folder' | 'tags' | 'pinned' | 'archived' | 'current_leaf_id'>>) =>
  request<Conversation>(`/api/conversations/${encodeURIComponent(id)}`, { method: 'PATCH', body });
export const deleteConversation = (id: string) => request<unknown>(`/api/conversations/${encodeURIComponent(id)}`, { method: 'DELETE' });

export function useModelCatalog() {
  return useQuery({
    queryKey: modelKeys.catalog(),
    queryFn: () => request<List<CatalogModel>>('/api/models/catalog'),
    retry: retryUnlessMissing,
    staleTime: 10 * 60_000,
  });
}

export const estimateTurn = (body: { conversation_id?: string; parent_id?: string | null; model: string; content: string }, signal?: AbortSignal) =>
  request<Estimate>('/api/conversations/estimate', { body, ...(signal ? { signal } : {}) });

export function useTemplates(category?: TemplateCategory) {
  return useQuery({
    queryKey: templateKeys.list(category),
    queryFn: () => request<List<Template>>('/api/templates', { query: { category } }),
    retry: retryUnlessMissing,
    staleTime: 60_000,
  });
}

export interface TemplateInput {
  name: string;
  category: TemplateCategory;
  content: string;
  variables: TemplateVariable[];
  scope?: 'personal' | 'team';
  team_id?: string | null;
}

export const createTemplate = (body: TemplateInput) => request<Template>('/api/templates', { body });
export const deleteTemplate = (id: string) => request<unknown>(`/api/templates/${encodeURIComponent(id)}`, { method: 'DELETE' });
export const renderTemplate = (id: string, variables: Record<string, string | number>) =>
  request<{ content: string }>(`/api/templates/${encodeURIComponent(id)}/render`, { body: { variables } });

export function useShares(conversationId: string | undefined, enabled: boolean) {
  return useQuery({
    queryKey: conversationKeys.shares(conversationId ?? ''),
    queryFn: () => request<List<Share>>(`/api/conversations/${encodeURIComponent(conversationId!)}/shares`),
    enabled: enabled && Boolean(conversationId),
    retry: retryUnlessMissing,
  });
}
/** Makes a read-only link to a branch (default: the conversation's current leaf); its URL is answered once. */
export const createShare = (conversationId: string, messageId?: string) =>
  request<Share>(`/api/conversations/${encodeURIComponent(conversationId)}/shares`, { body: messageId ? { message_id: messageId } : {} });
export const revokeShare = (id: string) => request<Share>(`/api/shares/${encodeURIComponent(id)}`, { method: 'DELETE' });

export function useSharedConversation(token: string) {
  return useQuery({
    queryKey: sharedKeys.detail(token),
    queryFn: () => request<SharedConversation>(`/api/shared/${encodeURIComponent(token)}`),
    retry: retryUnlessMissing,
  });
}

/** Downloads an export of the current branch (md, json or pdf) as the server names it. */
export async function downloadExport(conversationId: string, format: 'md' | 'json' | 'pdf'): Promise<void> {
  const res = await request(`/api/conversations/${encodeURIComponent(conversationId)}/export`, { query: { format }, raw: true, accept: '*/*' });
  const blob = await res.blob();
  const disposition = res.headers.get('content-disposition') ?? '';
  const name = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1] ?? `conversation.${format}`;
  downloadBlob(decodeURIComponent(name), blob);
}
