import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { linkBase } from '../../access/index.ts';
import { changeContextOf } from '../../access/index.ts';
import { authorize } from '../../access/index.ts';
import { errors } from '../../http/index.ts';
import { documentRoute } from '../../http/index.ts';
import { parseInput } from '../../http/index.ts';
import type { ConversationStore } from '../conversation-store.ts';
import { callerOf, ownConversation } from '../workspace-caller.ts';
import { shareView, type ShareStore } from './share-store.ts';

const CreateShareBody = z.strictObject({
  /** The last message of the branch to share; default the conversation's current leaf. */
  message_id: z.string().min(1).max(100).optional(),
});

documentRoute('POST /api/conversations/:id/shares', { summary: 'A read-only link to the current branch (or the branch ending at message_id); the token is shown once.', body: CreateShareBody });
documentRoute('GET /api/conversations/:id/shares', { summary: "The conversation's links that still work (without their tokens)." });
documentRoute('DELETE /api/shares/:id', { summary: 'Revoke a share link: it answers 404 from then on.' });
documentRoute('GET /api/shared/:token', { summary: 'A shared branch, read-only, for anyone with the link: title, model and messages; no ids, no costs.' });

export interface ShareRouteDeps {
  conversations: ConversationStore;
  shares: ShareStore;
  publicUrl: string | undefined;
}

/** Share links: made and revoked by the conversation's owner, opened by anyone holding the token. */
export async function shareRoutes(app: FastifyInstance, deps: ShareRouteDeps): Promise<void> {
  const { conversations, shares } = deps;

  app.post('/conversations/:id/shares', async (req: FastifyRequest<{ Params: { id: string } }>, reply) => {
    const b = parseInput(CreateShareBody, req.body);
    const c = await ownConversation(conversations, callerOf(req), req.params.id, 'conversations.write');
    if (c.temporary === 1) throw errors.badRequest('invalid_parameter', 'A temporary conversation cannot be shared.', 'id');
    const leaf = b.message_id ?? c.current_leaf_id;
    if (leaf === null) throw errors.badRequest('invalid_parameter', 'The conversation has no messages to share yet.', 'id');
    if (!(await conversations.getMessage(c.id, leaf))) throw errors.badRequest('invalid_parameter', `Invalid 'message_id': this conversation has no message '${leaf}'.`, 'message_id');
    const { share, token } = await shares.create(c, leaf, changeContextOf(req));
    reply.header('cache-control', 'no-store');
    return reply.code(201).send(shareView(share, { token, url: `${linkBase(deps.publicUrl, req)}/share/${token}` }));
  });

  app.get('/conversations/:id/shares', async (req: FastifyRequest<{ Params: { id: string } }>) => {
    const c = await ownConversation(conversations, callerOf(req), req.params.id, 'conversations.read');
    return { object: 'list', data: (await shares.active(c.id)).map((s) => shareView(s)), next_cursor: null };
  });

  app.delete('/shares/:id', async (req: FastifyRequest<{ Params: { id: string } }>) => {
    const caller = callerOf(req);
    const share = await shares.get(req.params.id);
    if (!share || share.org_id !== caller.orgId || share.user_id !== caller.userId) {
      throw errors.notFound('share_not_found', `No share with id '${req.params.id.slice(0, 100)}'.`, 'id');
    }
    authorize(caller.actor, 'conversations.write', { orgId: share.org_id, teamId: null, ownerUserId: share.user_id });
    return shareView(await shares.revoke(share, changeContextOf(req)));
  });

  app.get('/shared/:token', async (req: FastifyRequest<{ Params: { token: string } }>, reply) => {
    const opened = await shares.open(req.params.token);
    if (!opened) throw errors.notFound('share_not_found', 'This link does not exist or has been revoked.');
    const messages = await conversations.branch(opened.share.conversation_id, opened.share.leaf_message_id);
    reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex, nofollow').header('referrer-policy', 'no-referrer');
    return {
      object: 'shared_conversation',
      title: opened.title,
      model: opened.model,
      shared_at: new Date(Number(opened.share.created_at)).toISOString(),
      messages: messages.map((m) => ({ role: m.role, content: m.content, model: m.model, status: m.status, created_at: new Date(Number(m.created_at)).toISOString() })),
    };
  });
}
