import { z } from 'zod';
import { authorize } from '../access/index.ts';
import { fail } from '../errors/index.ts';
import { defineRoute, type AnyRoute } from '../http/routes/index.ts';
import type { Store } from '../state/index.ts';
import { IdPath, CreateConversationBody, ListConversationsQuery, SearchQuery, UpdateConversationBody } from './conversation-input.ts';
import type { ConversationStore } from './conversation-store.ts';
import { ConversationView, conversationView } from './conversation-view.ts';
import { decodeCursor, encodeCursor } from './list-cursor.ts';
import { searchConversations } from './search/conversation-search.ts';
import { callerOf, ownConversation } from './workspace-caller.ts';

export interface ConversationRouteDeps {
  store: Store;
  conversations: ConversationStore;
}

const ConversationList = z.object({ object: z.literal('list'), data: z.array(ConversationView), next_cursor: z.string().nullable() });
const FolderList = z.object({ object: z.literal('list'), data: z.array(z.object({ name: z.string(), count: z.number().int().min(1) })) });
const SearchResults = z.object({
  object: z.literal('list'),
  data: z.array(
    z.object({
      conversation_id: z.string(),
      title: z.string(),
      /** Null for a title hit. */
      message_id: z.string().nullable(),
      snippet: z.string(),
      updated_at: z.iso.datetime(),
    }),
  ),
  next_cursor: z.null(),
});
const Deleted = z.object({ id: z.string(), object: z.literal('conversation'), deleted: z.literal(true) });

/**
 * The caller's conversations: list, create, change, delete, folders and search. Nobody else's.
 * The routes' permission (conversations.read/write) is checked before the handler runs; lists hold
 * only the caller's own conversations.
 */
export function conversationRoutes(deps: ConversationRouteDeps): AnyRoute[] {
  const { conversations } = deps;
  return [
    defineRoute({
      method: 'GET',
      path: '/api/conversations',
      permission: 'conversations.read',
      summary: 'Your conversations, newest activity first (archived and temporary ones only when asked for).',
      query: ListConversationsQuery,
      response: ConversationList,
      handler: async ({ query: q, req }) => {
        const caller = callerOf(req);
        const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
        const rows = await conversations.list(caller, { ...q, limit: q.limit + 1 }, after);
        const page = rows.slice(0, q.limit);
        const last = page.at(-1);
        return {
          object: 'list' as const,
          data: page.map(conversationView),
          next_cursor: rows.length > q.limit && last ? encodeCursor({ updatedAt: Number(last.updated_at), id: last.id }) : null,
        };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/conversations',
      permission: 'conversations.write',
      summary: 'Start a conversation.',
      body: CreateConversationBody,
      response: ConversationView,
      status: 201,
      handler: async ({ body, req }) => {
        const caller = callerOf(req);
        authorize(caller.actor, 'conversations.write', { orgId: caller.orgId, teamId: null, ownerUserId: caller.userId });
        return conversationView(await conversations.create(caller, body));
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/conversations/folders',
      permission: 'conversations.read',
      summary: 'Your folders with how many conversations each holds.',
      response: FolderList,
      handler: async ({ req }) => ({ object: 'list' as const, data: await conversations.folders(callerOf(req)) }),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/conversations/search',
      permission: 'conversations.read',
      summary: 'Full-text search over your conversation titles and message text.',
      query: SearchQuery,
      response: SearchResults,
      handler: async ({ query: q, req }) => {
        const caller = callerOf(req);
        const hits = await searchConversations(deps.store, { userId: caller.userId, orgId: caller.orgId, q: q.q, limit: q.limit }, deps.conversations.cipher);
        return { object: 'list' as const, data: hits.map((h) => ({ ...h, updated_at: new Date(Number(h.updated_at)).toISOString() })), next_cursor: null };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/conversations/:id',
      permission: 'conversations.read',
      summary: "One of your conversations; anyone else's is 404.",
      params: IdPath,
      response: ConversationView,
      handler: async ({ params, req }) => conversationView(await ownConversation(conversations, callerOf(req), params.id, 'conversations.read')),
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/conversations/:id',
      permission: 'conversations.write',
      summary: 'Rename, move, tag, pin, archive, switch model or switch branch (current_leaf_id).',
      params: IdPath,
      body: UpdateConversationBody,
      response: ConversationView,
      handler: async ({ params, body: b, req }) => {
        const c = await ownConversation(conversations, callerOf(req), params.id, 'conversations.write');
        if (b.current_leaf_id !== undefined && !(await conversations.getMessage(c.id, b.current_leaf_id))) {
          throw fail('invalid_parameter', { param: 'current_leaf_id', reason: `this conversation has no message '${b.current_leaf_id}'` });
        }
        const updated = await conversations.update(c.id, b);
        if (!updated) throw fail('conversation_not_found', { id: c.id });
        return conversationView(updated);
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/conversations/:id',
      permission: 'conversations.write',
      summary: 'Delete a conversation, its messages and its share links.',
      params: IdPath,
      response: Deleted,
      handler: async ({ params, req }) => {
        const c = await ownConversation(conversations, callerOf(req), params.id, 'conversations.write');
        await conversations.delete(c.id);
        return { id: c.id, object: 'conversation' as const, deleted: true as const };
      },
    }),
  ];
}
