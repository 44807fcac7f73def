import { sql } from 'kysely';
import type { SearchEngine, SearchHit } from './conversation-search.ts';

/** Characters of a message PostgreSQL indexes (migration 0009: a tsvector holds at most 1 MB). */
const INDEXED_CHARS = 65_536;

/**
 * PostgreSQL full-text search over the generated `search` tsvector columns (GIN-indexed, `simple`
 * configuration: no stemming, as SQLite's tokenizer). Terms are letters and digits only, so
 * `word:*` joined by `&` is always a valid tsquery; the query is a bound parameter.
 */
export const postgresSearch: SearchEngine = async (store, r) => {
  const query = r.terms.map((t) => `${t}:*`).join(' & ');
  const titles = await sql<SearchHit>`
    select c.id as conversation_id, c.title as title, null as message_id, c.title as snippet, c.updated_at as updated_at
    from conversations c
    where c.search @@ to_tsquery('simple', ${query}) and c.org_id = ${r.orgId} and c.user_id = ${r.userId} and c.temporary = 0
    order by c.updated_at desc, c.id desc
    limit ${r.limit}`.execute(store.db);
  const left = r.limit - titles.rows.length;
  if (left <= 0) return titles.rows;
  const messages = await sql<SearchHit>`
    select c.id as conversation_id, c.title as title, m.id as message_id,
           ts_headline('simple', left(m.content, ${sql.lit(INDEXED_CHARS)}), to_tsquery('simple', ${query}),
                       'StartSel="",StopSel="",MaxWords=24,MinWords=12,ShortWord=0') as snippet,
           c.updated_at as updated_at
    from conversation_messages m join conversations c on c.id = m.conversation_id
    where m.search @@ to_tsquery('simple', ${query}) and c.org_id = ${r.orgId} and c.user_id = ${r.userId} and c.temporary = 0
    order by c.updated_at desc, m.seq desc
    limit ${left}`.execute(store.db);
  return [...titles.rows, ...messages.rows];
};
