import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { downloadBlob } from '../lib/download.ts';
import { isApiError } from './api-error.ts';
import { api, unwrap, unwrapResponse } from './http.ts';
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
    queryFn: () =>
      unwrap<CursorList<ConversationSummary>>(
        api.GET('/api/conversations', {
          params: {
            query: {
              ...(filters.q ? { q: filters.q } : {}),
              ...(filters.folder ? { folder: filters.folder } : {}),
              ...(filters.pinned === undefined ? {} : { pinned: filters.pinned ? 'true' : 'false' }),
              ...(filters.archived === undefined ? {} : { archived: filters.archived ? 'true' : 'false' }),
              limit: 200,
            },
          },
        }),
      ),
    retry: retryUnlessMissing,
    placeholderData: keepPreviousData,
  });
}

export function useConversation(id: string | undefined) {
  return useQuery({
    queryKey: conversationKeys.detail(id ?? ''),
    queryFn: () => unwrap<Conversation>(api.GET('/api/conversations/{id}', { params: { path: { id: id! } } })),
    enabled: Boolean(id),
    retry: retryUnlessMissing,
  });
}

export function useMessages(id: string | undefined) {
  return useQuery({
    queryKey: conversationKeys.messages(id ?? ''),
    queryFn: () => unwrap<List<Message>>(api.GET('/api/conversations/{id}/messages', { params: { path: { id: id! } } })),
    enabled: Boolean(id),
    retry: retryUnlessMissing,
    // Switching back to a conversation shows it at once; it refreshes only when it is old.
    staleTime: 5 * 60_000,
  });
}

export function useFolders() {
  return useQuery({
    queryKey: conversationKeys.folders(),
    queryFn: () => unwrap<List<Folder>>(api.GET('/api/conversations/folders')),
    retry: retryUnlessMissing,
  });
}

export function useConversationSearch(q: string) {
  return useQuery({
    queryKey: conversationKeys.search(q),
    queryFn: () => unwrap<List<SearchHit>>(api.GET('/api/conversations/search', { params: { query: { q, limit: 30 } } })),
    enabled: q.trim().length > 0,
    retry: retryUnlessMissing,
    placeholderData: keepPreviousData,
  });
}

export const createConversation = (body: { model: string; title?: string; folder?: string; tags?: string[] }) =>
  unwrap<Conversation>(api.POST('/api/conversations', { body }));
export const updateConversation = (id: string, body: Partial<Pick<Conversation, 'title' | 'model' | 'folder' | 'tags' | 'pinned' | 'archived' | 'current_leaf_id'>>) =>
  unwrap<Conversation>(api.PATCH('/api/conversations/{id}', { params: { path: { id } }, body: body as never }));
export const deleteConversation = (id: string) => unwrap<unknown>(api.DELETE('/api/conversations/{id}', { params: { path: { id } } }));

export function useModelCatalog() {
  return useQuery({
    queryKey: modelKeys.catalog(),
    queryFn: () => unwrap<List<CatalogModel>>(api.GET('/api/models/catalog')),
    retry: retryUnlessMissing,
    staleTime: 10 * 60_000,
  });
}

export const estimateTurn = (body: { conversation_id?: string; parent_id?: string | null; model: string; content: string }, signal?: AbortSignal) =>
  unwrap<Estimate>(api.POST('/api/conversations/estimate', { body, ...(signal ? { signal } : {}) }));

export function useTemplates(category?: TemplateCategory) {
  return useQuery({
    queryKey: templateKeys.list(category),
    queryFn: () => unwrap<List<Template>>(api.GET('/api/templates', { params: { query: category ? { category } : {} } })),
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

export const createTemplate = (body: TemplateInput) => unwrap<Template>(api.POST('/api/templates', { body: body as never }));
export const deleteTemplate = (id: string) => unwrap<unknown>(api.DELETE('/api/templates/{id}', { params: { path: { id } } }));
export const renderTemplate = (id: string, variables: Record<string, string | number>) =>
  unwrap<{ content: string }>(api.POST('/api/templates/{id}/render', { params: { path: { id } }, body: { variables } }));

export function useShares(conversationId: string | undefined, enabled: boolean) {
  return useQuery({
    queryKey: conversationKeys.shares(conversationId ?? ''),
    queryFn: () => unwrap<List<Share>>(api.GET('/api/conversations/{id}/shares', { params: { path: { id: conversationId! } } })),
    enabled: enabled && Boolean(conversationId),
    retry: retryUnlessMissing,
  });
}
/** Makes a read-only link to a branch (default: the conversation's current leaf); its URL is answered once. */
export const createShare = (conversationId: string, messageId?: string) =>
  unwrap<Share>(api.POST('/api/conversations/{id}/shares', { params: { path: { id: conversationId } }, body: messageId ? { message_id: messageId } : {} }));
export const revokeShare = (id: string) => unwrap<Share>(api.DELETE('/api/shares/{id}', { params: { path: { id } } }));

export function useSharedConversation(token: string) {
  return useQuery({
    queryKey: sharedKeys.detail(token),
    queryFn: () => unwrap<SharedConversation>(api.GET('/api/shared/{token}', { params: { path: { token } } })),
    retry: retryUnlessMissing,
  });
}

/** Downloads an export of the current branch (md, json or pdf) as the server names it. */
export async function downloadExport(conversationId: string, format: 'md' | 'json' | 'pdf'): Promise<void> {
  const res = await unwrapResponse(api.GET('/api/conversations/{id}/export', { params: { path: { id: conversationId }, query: { format } }, parseAs: 'stream' }));
  const blob = await res.blob();
  const disposition = res.headers.get('content-disposition') ?? '';
  const name = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1] ?? `conversation.${format}`;
  downloadBlob(decodeURIComponent(name), blob);
}
