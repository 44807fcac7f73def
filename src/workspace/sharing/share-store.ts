import { createHash, randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import { z } from 'zod';
import { changeRecord, type ChangeContext } from '../../access/index.ts';
import type { Store } from '../../state/index.ts';
import type { ConversationShareTable } from '../../state/index.ts';
import { newWorkspaceId, type ConversationRow } from '../conversation-store.ts';
import { appendAuditEvent } from '../../compliance/audit/index.ts';

export type ShareRow = Selectable<ConversationShareTable>;

/** SHA-256 of a share token, hex: what the store keeps (a leaked table gives no working link). */
export function hashShareToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A share token: 32 random bytes, base64url. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** Read-only share links of conversations; creation and revocation are recorded in the audit log. */
export class ShareStore {
  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new link to the branch ending at `leafId`; the token is returned once and only its hash is kept. */
  async create(c: ConversationRow, leafId: string, ctx: ChangeContext): Promise<{ share: ShareRow; token: string }> {
    const token = randomBytes(32).toString('base64url');
    const share: ShareRow = {
      id: newWorkspaceId('shr'),
      conversation_id: c.id,
      org_id: c.org_id,
      user_id: c.user_id,
      token_hash: hashShareToken(token),
      leaf_message_id: leafId,
      created_at: this.now(),
      revoked_at: null,
    };
    await this.store.db.transaction().execute(async (trx) => {
      await trx.insertInto('conversation_shares').values(share).execute();
      await appendAuditEvent(trx, changeRecord(ctx, { action: 'share.created', target: share.id, before: null, after: auditView(share) }, share.created_at));
    });
    return { share, token };
  }

  get(id: string): Promise<ShareRow | undefined> {
    return this.store.db.selectFrom('conversation_shares').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Links of a conversation that still work, newest first. */
  active(conversationId: string): Promise<ShareRow[]> {
    return this.store.db
      .selectFrom('conversation_shares')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('revoked_at', 'is', null)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
  }

  async revoke(share: ShareRow, ctx: ChangeContext): Promise<ShareRow> {
    if (share.revoked_at !== null) return share;
    const revoked = { ...share, revoked_at: this.now() };
    await this.store.db.transaction().execute(async (trx) => {
      await trx.updateTable('conversation_shares').set({ revoked_at: revoked.revoked_at }).where('id', '=', share.id).where('revoked_at', 'is', null).execute();
      await appendAuditEvent(trx, changeRecord(ctx, { action: 'share.revoked', target: share.id, before: auditView(share), after: auditView(revoked) }, revoked.revoked_at));
    });
    return revoked;
  }

  /**
   * The live share a token opens: not revoked, its conversation still there and its owner still
   * active. Undefined for anything else, including a token of the wrong shape.
   */
  async open(token: string): Promise<{ share: ShareRow; title: string; model: string } | undefined> {
    if (!TOKEN_SHAPE.test(token)) return undefined;
    const row = await this.store.db
      .selectFrom('conversation_shares as s')
      .innerJoin('conversations as c', 'c.id', 's.conversation_id')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .selectAll('s')
      .select(['c.title as title', 'c.model as model'])
      .where('s.token_hash', '=', hashShareToken(token))
      .where('s.revoked_at', 'is', null)
      .where('u.status', '=', 'active')
      .executeTakeFirst();
    if (!row) return undefined;
    const { title, model, ...share } = row;
    return { share, title, model };
  }
}

function auditView(s: ShareRow) {
  return { id: s.id, conversation_id: s.conversation_id, leaf_message_id: s.leaf_message_id, revoked_at: s.revoked_at === null ? null : new Date(s.revoked_at).toISOString() };
}

/** A share as its owner sees it: `url` and `token` only in the create response (the token is shown once), null after. */
export const ShareView = z.object({
  id: z.string(),
  object: z.literal('share'),
  conversation_id: z.string(),
  leaf_message_id: z.string(),
  url: z.string().nullable(),
  token: z.string().nullable(),
  created_at: z.iso.datetime(),
  revoked_at: z.iso.datetime().nullable(),
});
export type ShareView = z.output<typeof ShareView>;

export function shareView(s: ShareRow, link?: { url: string; token: string }): ShareView {
  return {
    id: s.id,
    object: 'share',
    conversation_id: s.conversation_id,
    leaf_message_id: s.leaf_message_id,
    url: link?.url ?? null,
    token: link?.token ?? null,
    created_at: new Date(Number(s.created_at)).toISOString(),
    revoked_at: s.revoked_at === null ? null : new Date(Number(s.revoked_at)).toISOString(),
  };
}
