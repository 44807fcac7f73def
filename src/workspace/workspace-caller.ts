import type { FastifyRequest } from 'fastify';
import { accessOf } from '../access/index.ts';
import type { Action } from '../access/index.ts';
import type { Actor } from '../access/index.ts';
import { authorize } from '../access/index.ts';
import { fail } from '../errors/index.ts';
import type { ConversationRow, ConversationStore } from './conversation-store.ts';

/** The person using the workspace: a session's user or a personal key's. */
export interface WorkspaceCaller {
  userId: string;
  orgId: string;
  actor: Actor;
  /** The address the request came from. */
  ip: string;
}

/**
 * The person behind a request. A service key has no person, so no conversations or templates:
 * 400 `not_a_user`, as the account routes answer.
 */
export function callerOf(req: FastifyRequest): WorkspaceCaller {
  const a = accessOf(req);
  const userId = a.session ? a.session.user.id : (a.principal?.userId ?? null);
  if (userId === null) throw fail('not_a_user', { what: 'The workspace (conversations and templates)' });
  return { userId, orgId: a.actor.orgId, actor: a.actor, ip: req.ip };
}

/**
 * The caller's own conversation, for `action`. Anyone else's (also an org owner's view of a
 * member's) is 404, as if it did not exist; then the matrix decides (a viewer reads, never writes).
 */
export async function ownConversation(conversations: ConversationStore, caller: WorkspaceCaller, id: string, action: Action): Promise<ConversationRow> {
  const c = await conversations.get(id);
  if (!c || c.org_id !== caller.orgId || c.user_id !== caller.userId) throw fail('conversation_not_found', { id: id.slice(0, 200) });
  authorize(caller.actor, action, { orgId: c.org_id, teamId: null, ownerUserId: c.user_id });
  return c;
}
