import { sql } from 'kysely';
import type { SearchEngine, SearchHit } from './conversation-search.ts';

/**
 * FTS5 over the external-content tables `conversations_fts` (titles) and `conversation_messages_fts`
 * (message text), kept in sync by triggers (migration 0009). Terms are quoted, so they are words,
 * never FTS5 syntax; `*` makes each a prefix.
 */
export const sqliteSearch: SearchEngine = async (store, r) => {
  const match = r.terms.map((t) => `"${t}"*`).join(' ');
  const titles = await sql<SearchHit>`
    select c.id as conversation_id, c.title as title, null as message_id, c.title as snippet, c.updated_at as updated_at
    from conversations_fts f join conversations c on c.num = f.rowid
    where conversations_fts match ${match} and c.org_id = ${r.orgId} and c.user_id = ${r.userId} and c.temporary = 0
    order by c.updated_at desc, c.id desc
    limit ${r.limit}`.execute(store.db);
  const left = r.limit - titles.rows.length;
  if (left <= 0) return titles.rows;
  const messages = await sql<SearchHit>`
    select c.id as conversation_id, c.title as title, m.id as message_id,
           snippet(conversation_messages_fts, 0, '', '', '…', 24) as snippet, c.updated_at as updated_at
    from conversation_messages_fts f
      join conversation_messages m on m.num = f.rowid
      join conversations c on c.id = m.conversation_id
    where conversation_messages_fts match ${match} and c.org_id = ${r.orgId} and c.user_id = ${r.userId} and c.temporary = 0
    order by c.updated_at desc, m.seq desc
    limit ${left}`.execute(store.db);
  return [...titles.rows, ...messages.rows];
};
