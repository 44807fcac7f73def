import { randomBytes } from 'node:crypto';
import { sql, type Selectable, type Transaction } from 'kysely';
import { fail } from '../errors/index.ts';
import { PLAINTEXT, isSealed, type FieldCipher } from '../compliance/index.ts';
import type { Database, Store } from '../state/index.ts';
import type { ConversationMessageTable, ConversationTable } from '../state/index.ts';
import type { CreateConversationInput, ListConversationsInput, UpdateConversationInput } from './conversation-input.ts';
import type { ListPosition } from './list-cursor.ts';

export type ConversationRow = Omit<Selectable<ConversationTable>, 'num'>;
export type MessageRow = Omit<Selectable<ConversationMessageTable>, 'num'>;
export type NewMessage = Omit<MessageRow, 'seq' | 'conversation_id' | 'created_at'>;

// Explicit columns: PostgreSQL rows also hold a `search` tsvector that no reader needs.
const CONVERSATION_COLUMNS = [
  'id', 'org_id', 'user_id', 'title', 'title_source', 'title_request_id', 'model', 'folder', 'tags', 'pinned', 'archived',
  'temporary', 'current_leaf_id', 'message_count', 'prompt_tokens', 'completion_tokens', 'cost_nanos', 'created_at', 'updated_at',
] as const satisfies readonly (keyof ConversationRow)[];

const MESSAGE_COLUMNS = [
  'id', 'conversation_id', 'parent_id', 'seq', 'role', 'content', 'model', 'status', 'error_code', 'error_message',
  'prompt_tokens', 'completion_tokens', 'cost_nanos', 'latency_ms', 'request_id', 'created_at',
] as const satisfies readonly (keyof MessageRow)[];

/** Tokens and cost a model call adds to its conversation's totals. */
export interface TotalsDelta {
  promptTokens: number;
  completionTokens: number;
  /** Integer nano-dollars; null (unknown price) adds nothing. */
  costNanos: number | null;
}

/** What a sealed title is bound to (its row and column): a title moved to another row does not open. */
export const titleAad = (conversationId: string) => `conversations/${conversationId}/title`;

// A sealed-title search reads at most this many of a person's conversations per page asked for.
const MAX_TITLE_SCAN = 5_000;
const TITLE_SCAN_PAGE = 200;

export const newWorkspaceId = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

/** Conversations and their messages in the store; callers have checked who may do what. */
export class ConversationStore {
  constructor(
    private readonly store: Store,
    /** Seals message text under the owner's data key (see docs/compliance.md); plaintext without a master key. */
    readonly cipher: FieldCipher = PLAINTEXT,
    private readonly now: () => number = Date.now,
  ) {}

  get db() {
    return this.store.db;
  }

  async create(owner: { userId: string; orgId: string }, input: CreateConversationInput): Promise<ConversationRow> {
    const at = this.now();
    const row: ConversationRow = {
      id: newWorkspaceId('conv'),
      org_id: owner.orgId,
      user_id: owner.userId,
      title: input.title ?? 'New conversation',
      title_source: input.title === undefined ? 'default' : 'user',
      title_request_id: null,
      model: input.model,
      folder: input.folder ?? null,
      tags: JSON.stringify(input.tags ?? []),
      pinned: 0,
      archived: 0,
      temporary: input.temporary ? 1 : 0,
      current_leaf_id: null,
      message_count: 0,
      prompt_tokens: 0,
      completion_tokens: 0,
      cost_nanos: 0,
      created_at: at,
      updated_at: at,
    };
    await this.db.insertInto('conversations').values({ ...row, title: await this.sealTitle(row, row.title) }).execute();
    return row;
  }

  async get(id: string): Promise<ConversationRow | undefined> {
    const row = await this.db.selectFrom('conversations').select(CONVERSATION_COLUMNS).where('id', '=', id).executeTakeFirst();
    return row && this.withTitle(row);
  }

  /** A title as stored: sealed under the owner's data key when encryption is on (a title is the start of a conversation). */
  private sealTitle(c: Pick<ConversationRow, 'id' | 'org_id' | 'user_id'>, title: string): Promise<string> {
    return this.cipher.seal(c.org_id, title, titleAad(c.id), { userId: c.user_id });
  }

  /** A stored title, readable. */
  openTitle(c: Pick<ConversationRow, 'id' | 'org_id'>, stored: string): Promise<string> {
    return this.cipher.open(c.org_id, stored, titleAad(c.id));
  }

  private async withTitle<R extends Pick<ConversationRow, 'id' | 'org_id' | 'title'>>(row: R): Promise<R> {
    return isSealed(row.title) ? { ...row, title: await this.openTitle(row, row.title) } : row;
  }

  /**
   * One page of a person's conversations, newest activity first. With titles sealed, the database
   * cannot match them: a title search then reads the person's conversations page by page, opens the
   * titles in memory and keeps those that match, reading at most MAX_TITLE_SCAN rows per call.
   */
  async list(owner: { userId: string; orgId: string }, q: ListConversationsInput, after: ListPosition | undefined): Promise<ConversationRow[]> {
    const sealed = this.cipher.enabled && q.q !== undefined && q.q !== '';
    if (!sealed) return Promise.all((await this.listPage(owner, q, after, q.limit, true)).map((r) => this.withTitle(r)));
    const needle = q.q!.toLowerCase();
    const found: ConversationRow[] = [];
    for (let scanned = 0, position = after; scanned < MAX_TITLE_SCAN; ) {
      const page = await this.listPage(owner, q, position, TITLE_SCAN_PAGE, false);
      for (const row of page) {
        const opened = await this.withTitle(row);
        if (opened.title.toLowerCase().includes(needle)) found.push(opened);
        if (found.length === q.limit) return found;
      }
      scanned += page.length;
      if (page.length < TITLE_SCAN_PAGE) break;
      const last = page[page.length - 1]!;
      position = { updatedAt: Number(last.updated_at), id: last.id };
    }
    return found;
  }

  private listPage(owner: { userId: string; orgId: string }, q: ListConversationsInput, after: ListPosition | undefined, limit: number, titleInSql: boolean): Promise<ConversationRow[]> {
    let query = this.db
      .selectFrom('conversations')
      .select(CONVERSATION_COLUMNS)
      .where('org_id', '=', owner.orgId)
      .where('user_id', '=', owner.userId)
      .where('archived', '=', q.archived ? 1 : 0)
      .where('temporary', '=', q.temporary ? 1 : 0);
    if (q.folder !== undefined) query = query.where('folder', '=', q.folder);
    if (q.pinned !== undefined) query = query.where('pinned', '=', q.pinned ? 1 : 0);
    if (q.q && titleInSql) query = query.where(sql<boolean>`lower(title) like ${`%${escapeLike(q.q.toLowerCase())}%`} escape '\\'`);
    if (after) {
      query = query.where((eb) =>
        eb.or([eb('updated_at', '<', after.updatedAt), eb.and([eb('updated_at', '=', after.updatedAt), eb('id', '<', after.id)])]),
      );
    }
    return query.orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  }

  /** Folder names of a person's conversations (not archived, not temporary) with how many each holds. */
  async folders(owner: { userId: string; orgId: string }): Promise<{ name: string; count: number }[]> {
    const rows = await this.db
      .selectFrom('conversations')
      .select(['folder', (eb) => eb.fn.countAll<number>().as('n')])
      .where('org_id', '=', owner.orgId)
      .where('user_id', '=', owner.userId)
      .where('archived', '=', 0)
      .where('temporary', '=', 0)
      .where('folder', 'is not', null)
      .groupBy('folder')
      .orderBy('folder')
      .execute();
    return rows.map((r) => ({ name: r.folder!, count: Number(r.n) }));
  }

  async update(id: string, patch: UpdateConversationInput): Promise<ConversationRow | undefined> {
    // updated_at is the last activity (a message), so renaming or pinning does not reorder the list.
    const set: Partial<ConversationRow> = {};
    if (patch.title !== undefined) {
      const owner = await this.db.selectFrom('conversations').select(['id', 'org_id', 'user_id']).where('id', '=', id).executeTakeFirst();
      if (!owner) return undefined;
      set.title = await this.sealTitle(owner, patch.title);
      set.title_source = 'user';
    }
    if (patch.model !== undefined) set.model = patch.model;
    if (patch.folder !== undefined) set.folder = patch.folder;
    if (patch.tags !== undefined) set.tags = JSON.stringify(patch.tags);
    if (patch.pinned !== undefined) set.pinned = patch.pinned ? 1 : 0;
    if (patch.archived !== undefined) set.archived = patch.archived ? 1 : 0;
    if (patch.current_leaf_id !== undefined) set.current_leaf_id = patch.current_leaf_id;
    if (Object.keys(set).length > 0) await this.db.updateTable('conversations').set(set).where('id', '=', id).execute();
    return this.get(id);
  }

  /** Sets a generated title unless the person named the conversation meanwhile; adds its cost to the totals. */
  async setGeneratedTitle(conversation: Pick<ConversationRow, 'id' | 'org_id' | 'user_id'>, title: string | null, requestId: string | null, delta: TotalsDelta): Promise<void> {
    const stored = title === null ? null : await this.sealTitle(conversation, title);
    await this.db
      .updateTable('conversations')
      .set((eb) => ({
        ...(stored === null ? {} : { title: sql<string>`case when title_source = 'default' then ${stored} else title end` }),
        title_source: sql<string>`case when title_source = 'default' then 'generated' else title_source end`,
        title_request_id: requestId,
        prompt_tokens: eb('prompt_tokens', '+', delta.promptTokens),
        completion_tokens: eb('completion_tokens', '+', delta.completionTokens),
        cost_nanos: eb('cost_nanos', '+', delta.costNanos ?? 0),
      }))
      .where('id', '=', conversation.id)
      .execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('conversations').where('id', '=', id).execute();
  }

  /** Deletes temporary conversations without activity since `before`; returns how many. */
  async pruneTemporary(before: number): Promise<number> {
    const r = await this.db.deleteFrom('conversations').where('temporary', '=', 1).where('updated_at', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  // ---- messages ----

  async listMessages(conversationId: string): Promise<MessageRow[]> {
    return this.opened(conversationId, await this.db.selectFrom('conversation_messages').select(MESSAGE_COLUMNS).where('conversation_id', '=', conversationId).orderBy('seq').execute());
  }

  async getMessage(conversationId: string, id: string): Promise<MessageRow | undefined> {
    const row = await this.db
      .selectFrom('conversation_messages')
      .select(MESSAGE_COLUMNS)
      .where('conversation_id', '=', conversationId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && (await this.opened(conversationId, [row]))[0];
  }

  /** Rows with their text decrypted (the organization is looked up once, only when something is sealed). */
  async opened(conversationId: string, rows: MessageRow[]): Promise<MessageRow[]> {
    if (!rows.some((r) => isSealed(r.content))) return rows;
    const c = await this.db.selectFrom('conversations').select('org_id').where('id', '=', conversationId).executeTakeFirst();
    if (!c) return [];
    return Promise.all(rows.map(async (r) => ({ ...r, content: await this.cipher.open(c.org_id, r.content, messageAad(r.id)) })));
  }

  /** The branch from the root down to `leafId`, root first (empty for an unknown leaf). */
  async branch(conversationId: string, leafId: string): Promise<MessageRow[]> {
    const rows = await this.db
      .withRecursive('branch(id, parent_id, depth)', (db) =>
        db
          .selectFrom('conversation_messages')
          .select(['id', 'parent_id', sql<number>`0`.as('depth')])
          .where('conversation_id', '=', conversationId)
          .where('id', '=', leafId)
          .unionAll((db2) =>
            db2
              .selectFrom('conversation_messages as m')
              .innerJoin('branch as b', 'b.parent_id', 'm.id')
              .select(['m.id', 'm.parent_id', sql<number>`b.depth + 1`.as('depth')])
              .where('m.conversation_id', '=', conversationId),
          ),
      )
      .selectFrom('branch as b')
      .innerJoin('conversation_messages as m', 'm.id', 'b.id')
      .select(MESSAGE_COLUMNS.map((c) => `m.${c}` as const))
      .orderBy('b.depth', 'desc')
      .execute();
    return this.opened(conversationId, rows as MessageRow[]);
  }

  /**
   * Appends a message: it takes the next place in the conversation's order, becomes the current
   * leaf, and its tokens and cost are added to the totals, all in one transaction (exact under
   * concurrent turns).
   */
  async appendMessage(
    conversation: Pick<ConversationRow, 'id' | 'org_id' | 'user_id'>,
    message: NewMessage,
    delta: TotalsDelta = { promptTokens: 0, completionTokens: 0, costNanos: null },
  ): Promise<MessageRow> {
    // Sealed before the transaction: the data key may be created on first use, through the store.
    const content = await this.cipher.seal(conversation.org_id, message.content, messageAad(message.id), { userId: conversation.user_id });
    const row = await this.db.transaction().execute(async (trx) => this.append(trx, conversation.id, { ...message, content }, delta));
    return { ...row, content: message.content };
  }

  private async append(trx: Transaction<Database>, conversationId: string, message: NewMessage, delta: TotalsDelta): Promise<MessageRow> {
    const at = this.now();
    const updated = await trx
      .updateTable('conversations')
      .set((eb) => ({
        message_count: eb('message_count', '+', 1),
        prompt_tokens: eb('prompt_tokens', '+', delta.promptTokens),
        completion_tokens: eb('completion_tokens', '+', delta.completionTokens),
        cost_nanos: eb('cost_nanos', '+', delta.costNanos ?? 0),
        current_leaf_id: message.id,
        updated_at: at,
      }))
      .where('id', '=', conversationId)
      .returning('message_count')
      .executeTakeFirst();
    if (!updated) throw fail('conversation_not_found', { id: conversationId });
    const row: MessageRow = { ...message, conversation_id: conversationId, seq: Number(updated.message_count), created_at: at };
    await trx.insertInto('conversation_messages').values(row).execute();
    return row;
  }
}

/** The associated data binding a message's ciphertext to its row. */
export const messageAad = (messageId: string) => `conversation_messages/${messageId}/content`;

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
