import { sql } from 'kysely';
import { templateAad } from './templates/template-store.ts';
import type { Store } from '../state/index.ts';
import type { ConversationStore } from './conversation-store.ts';

/** A conversation as a data export holds it: its settings and every message (decrypted). */
export interface ExportedConversation {
  id: string;
  title: string;
  model: string;
  created_at: string;
  updated_at: string;
  temporary: boolean;
  messages: { id: string; parent_id: string | null; role: string; content: string; model: string | null; created_at: string }[];
}

/**
 * Every conversation a person owns with all its messages, decrypted, for their data export; and
 * their personal templates.
 * @example const { conversations, templates } = await personWorkspaceData(store, conversations, userId);
 */
export async function personWorkspaceData(store: Store, conversations: ConversationStore, userId: string) {
  const rows = await store.db.selectFrom('conversations').select(['id', 'org_id', 'title', 'model', 'created_at', 'updated_at', 'temporary']).where('user_id', '=', userId).orderBy('created_at').execute();
  const out: ExportedConversation[] = [];
  for (const c of rows) {
    const messages = await conversations.listMessages(c.id);
    out.push({
      id: c.id,
      title: await conversations.openTitle(c, c.title),
      model: c.model,
      created_at: iso(c.created_at),
      updated_at: iso(c.updated_at),
      temporary: c.temporary === 1,
      messages: messages.map((m) => ({ id: m.id, parent_id: m.parent_id, role: m.role, content: m.content, model: m.model, created_at: iso(m.created_at) })),
    });
  }
  const templates = await store.db.selectFrom('templates').select(['id', 'org_id', 'name', 'category', 'content', 'team_id', 'created_at']).where('user_id', '=', userId).execute();
  const opened = await Promise.all(
    templates.map(async ({ org_id: orgId, ...t }) => ({ ...t, content: await conversations.cipher.open(orgId, t.content, templateAad(t.id)), created_at: iso(t.created_at) })),
  );
  return { conversations: out, templates: opened };
}

/**
 * Deletes what a person wrote in the workspace (erasure): their conversations with every message
 * and share link, and their personal templates. Team templates they made stay (the team's), with
 * the author replaced by `pseudonym`.
 * @returns how many conversations and templates were deleted
 */
export async function erasePersonWorkspace(store: Store, userId: string, pseudonym: string): Promise<{ conversations: number; templates: number }> {
  return store.db.transaction().execute(async (trx) => {
    const ids = (await trx.selectFrom('conversations').select('id').where('user_id', '=', userId).execute()).map((r) => r.id);
    if (ids.length > 0) {
      await trx.deleteFrom('conversation_shares').where('conversation_id', 'in', ids).execute();
      await trx.deleteFrom('conversation_messages').where('conversation_id', 'in', ids).execute();
      await trx.deleteFrom('conversations').where('id', 'in', ids).execute();
    }
    const t = await trx.deleteFrom('templates').where('user_id', '=', userId).where('team_id', 'is', null).executeTakeFirst();
    await trx.updateTable('templates').set({ user_id: pseudonym }).where('user_id', '=', userId).execute();
    // FTS5 keeps a deleted row's words in its index segments until they are merged: merge now.
    if (store.dialect === 'sqlite') for (const fts of ['conversations_fts', 'conversation_messages_fts']) await sql.raw(`INSERT INTO ${fts}(${fts}) VALUES ('optimize')`).execute(trx);
    return { conversations: ids.length, templates: Number(t.numDeletedRows) };
  });
}

/** Deletes an organization's conversations (not temporary ones) without activity since `before` (retention); messages and shares go with them. */
export async function pruneOrgConversations(store: Store, orgId: string, before: number): Promise<number> {
  const r = await store.db.deleteFrom('conversations').where('org_id', '=', orgId).where('temporary', '=', 0).where('updated_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Deletes the organization's conversations (not temporary ones) of these people without activity since `before`; returns how many. */
export async function prunePeopleConversations(store: Store, orgId: string, userIds: readonly string[], before: number): Promise<number> {
  if (userIds.length === 0) return 0;
  const r = await store.db.deleteFrom('conversations').where('org_id', '=', orgId).where('user_id', 'in', userIds).where('temporary', '=', 0).where('updated_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}

const iso = (ms: number) => new Date(Number(ms)).toISOString();
