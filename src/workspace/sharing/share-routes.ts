import { z } from 'zod';
import { linkBase } from '../../access/index.ts';
import { changeContextOf } from '../../access/index.ts';
import { authorize } from '../../access/index.ts';
import { fail } from '../../errors/index.ts';
import { defineRoute, PUBLIC, type AnyRoute } from '../../http/routes/index.ts';
import { IdPath } from '../conversation-input.ts';
import type { ConversationStore } from '../conversation-store.ts';
import { MessageRole, MessageStatus } from '../conversation-view.ts';
import { callerOf, ownConversation } from '../workspace-caller.ts';
import { ShareView, shareView, type ShareStore } from './share-store.ts';

const CreateShareBody = z.strictObject({
  /** The last message of the branch to share; default the conversation's current leaf. */
  message_id: z.string().min(1).max(100).optional(),
});

/** Any text: a token of the wrong shape is just another unknown link (404), like a guessed one. */
const TokenPath = z.strictObject({ token: z.string() });

const ShareList = z.object({ object: z.literal('list'), data: z.array(ShareView), next_cursor: z.null() });

/** A shared branch as anyone with the link sees it: no ids, no costs, no owner. */
const SharedConversation = z.object({
  object: z.literal('shared_conversation'),
  title: z.string(),
  model: z.string(),
  shared_at: z.iso.datetime(),
  messages: z.array(z.object({ role: MessageRole, content: z.string(), model: z.string().nullable(), status: MessageStatus, created_at: z.iso.datetime() })),
});

export interface ShareRouteDeps {
  conversations: ConversationStore;
  shares: ShareStore;
  publicUrl: string | undefined;
}

/** Share links: made and revoked by the conversation's owner, opened by anyone holding the token. */
export function shareRoutes(deps: ShareRouteDeps): AnyRoute[] {
  const { conversations, shares } = deps;
  return [
    defineRoute({
      method: 'POST',
      path: '/api/conversations/:id/shares',
      permission: 'conversations.write',
      summary: 'A read-only link to the current branch (or the branch ending at message_id); the token is shown once.',
      params: IdPath,
      body: CreateShareBody,
      response: ShareView,
      status: 201,
      handler: async ({ params, body: b, req, reply }) => {
        const c = await ownConversation(conversations, callerOf(req), params.id, 'conversations.write');
        if (c.temporary === 1) throw fail('invalid_parameter', { param: 'id', reason: 'a temporary conversation cannot be shared' });
        const leaf = b.message_id ?? c.current_leaf_id;
        if (leaf === null) throw fail('invalid_parameter', { param: 'id', reason: 'the conversation has no messages to share yet' });
        if (!(await conversations.getMessage(c.id, leaf))) throw fail('invalid_parameter', { param: 'message_id', reason: `this conversation has no message '${leaf}'` });
        const { share, token } = await shares.create(c, leaf, changeContextOf(req));
        reply.header('cache-control', 'no-store');
        return shareView(share, { token, url: `${linkBase(deps.publicUrl, req)}/share/${token}` });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/conversations/:id/shares',
      permission: 'conversations.read',
      summary: "The conversation's links that still work (without their tokens).",
      params: IdPath,
      response: ShareList,
      handler: async ({ params, req }) => {
        const c = await ownConversation(conversations, callerOf(req), params.id, 'conversations.read');
        return { object: 'list' as const, data: (await shares.active(c.id)).map((s) => shareView(s)), next_cursor: null };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/shares/:id',
      permission: 'conversations.write',
      summary: 'Revoke a share link: it answers 404 from then on.',
      params: IdPath,
      response: ShareView,
      handler: async ({ params, req }) => {
        const caller = callerOf(req);
        const share = await shares.get(params.id);
        if (!share || share.org_id !== caller.orgId || share.user_id !== caller.userId) {
          throw fail('share_not_found', { which: `id '${params.id}'` }, { param: 'id' });
        }
        authorize(caller.actor, 'conversations.write', { orgId: share.org_id, teamId: null, ownerUserId: share.user_id });
        return shareView(await shares.revoke(share, changeContextOf(req)));
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/shared/:token',
      permission: PUBLIC,
      summary: 'A shared branch, read-only, for anyone with the link: title, model and messages; no ids, no costs.',
      params: TokenPath,
      response: SharedConversation,
      handler: async ({ params, reply }) => {
        const opened = await shares.open(params.token);
        if (!opened) throw fail('share_not_found', { which: 'this link' });
        const messages = await conversations.branch(opened.share.conversation_id, opened.share.leaf_message_id);
        reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex, nofollow').header('referrer-policy', 'no-referrer');
        return {
          object: 'shared_conversation' as const,
          title: await conversations.openTitle({ id: opened.share.conversation_id, org_id: opened.share.org_id }, opened.title),
          model: opened.model,
          shared_at: new Date(Number(opened.share.created_at)).toISOString(),
          messages: messages.map((m) => ({ role: m.role, content: m.content, model: m.model, status: m.status, created_at: new Date(Number(m.created_at)).toISOString() })),
        };
      },
    }),
  ];
}
