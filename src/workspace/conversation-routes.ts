import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authorize } from '../access/index.ts';
import { seesAnything, visibility } from '../access/index.ts';
import { errors } from '../http/index.ts';
import { documentRoute } from '../http/index.ts';
import { parseInput } from '../http/index.ts';
import type { Store } from '../state/index.ts';
import { CreateConversationBody, ListConversationsQuery, SearchQuery, UpdateConversationBody } from './conversation-input.ts';
import type { ConversationStore } from './conversation-store.ts';
import { conversationView } from './conversation-view.ts';
import { decodeCursor, encodeCursor } from './list-cursor.ts';
import { searchConversations } from './search/conversation-search.ts';
import { callerOf, ownConversation, type WorkspaceCaller } from './workspace-caller.ts';

documentRoute('GET /api/conversations', { summary: 'Your conversations, newest activity first (archived and temporary ones only when asked for).', query: ListConversationsQuery });
documentRoute('POST /api/conversations', { summary: 'Start a conversation.', body: CreateConversationBody });
documentRoute('GET /api/conversations/folders', { summary: 'Your folders with how many conversations each holds.' });
documentRoute('GET /api/conversations/search', { summary: 'Full-text search over your conversation titles and message text.', query: SearchQuery });
documentRoute('GET /api/conversations/:id', { summary: 'One of your conversations; anyone else\'s is 404.' });
documentRoute('PATCH /api/conversations/:id', { summary: 'Rename, move, tag, pin, archive, switch model or switch branch (current_leaf_id).', body: UpdateConversationBody });
documentRoute('DELETE /api/conversations/:id', { summary: 'Delete a conversation, its messages and its share links.' });

export interface ConversationRouteDeps {
  store: Store;
  conversations: ConversationStore;
}

type ById = FastifyRequest<{ Params: { id: string } }>;

/** The caller's conversations: list, create, change, delete, folders and search. Nobody else's. */
export async function conversationRoutes(app: FastifyInstance, deps: ConversationRouteDeps): Promise<void> {
  const { conversations } = deps;

  /** The caller, who must hold the action at all (the list-shaped check). */
  const reader = (req: FastifyRequest): WorkspaceCaller => {
    const caller = callerOf(req);
    if (!seesAnything(visibility(caller.actor, 'conversations.read'))) throw errors.forbidden('permission_denied', "You do not have permission to perform 'conversations.read'.");
    return caller;
  };

  app.get('/conversations', async (req) => {
    const q = parseInput(ListConversationsQuery, req.query, 'query');
    const caller = reader(req);
    const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    const rows = await conversations.list(caller, { ...q, limit: q.limit + 1 }, after);
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return {
      object: 'list',
      data: page.map(conversationView),
      next_cursor: rows.length > q.limit && last ? encodeCursor({ updatedAt: Number(last.updated_at), id: last.id }) : null,
    };
  });

  app.post('/conversations', async (req, reply) => {
    const b = parseInput(CreateConversationBody, req.body);
    const caller = callerOf(req);
    authorize(caller.actor, 'conversations.write', { orgId: caller.orgId, teamId: null, ownerUserId: caller.userId });
    return reply.code(201).send(conversationView(await conversations.create(caller, b)));
  });

  app.get('/conversations/folders', async (req) => ({ object: 'list', data: await conversations.folders(reader(req)) }));

  app.get('/conversations/search', async (req) => {
    const q = parseInput(SearchQuery, req.query, 'query');
    const caller = reader(req);
    const hits = await searchConversations(deps.store, { userId: caller.userId, orgId: caller.orgId, q: q.q, limit: q.limit });
    return { object: 'list', data: hits.map((h) => ({ ...h, updated_at: new Date(Number(h.updated_at)).toISOString() })), next_cursor: null };
  });

  app.get('/conversations/:id', async (req: ById) => conversationView(await ownConversation(conversations, callerOf(req), req.params.id, 'conversations.read')));

  app.patch('/conversations/:id', async (req: ById) => {
    const b = parseInput(UpdateConversationBody, req.body);
    const c = await ownConversation(conversations, callerOf(req), req.params.id, 'conversations.write');
    if (b.current_leaf_id !== undefined && !(await conversations.getMessage(c.id, b.current_leaf_id))) {
      throw errors.badRequest('invalid_parameter', `Invalid 'current_leaf_id': this conversation has no message '${b.current_leaf_id}'.`, 'current_leaf_id');
    }
    return conversationView((await conversations.update(c.id, b))!);
  });

  app.delete('/conversations/:id', async (req: ById) => {
    const c = await ownConversation(conversations, callerOf(req), req.params.id, 'conversations.write');
    await conversations.delete(c.id);
    return { id: c.id, object: 'conversation', deleted: true };
  });
}
