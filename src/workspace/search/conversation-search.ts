import type { FieldCipher } from '../../compliance/index.ts';
import type { Store } from '../../state/index.ts';
import { decryptingSearch } from './decrypting-search.ts';
import { postgresSearch } from './postgres-search.ts';
import { searchTerms } from './search-terms.ts';
import { sqliteSearch } from './sqlite-search.ts';

/** One search hit: a conversation's title (message_id null) or one of its messages. */
export interface SearchHit {
  conversation_id: string;
  title: string;
  message_id: string | null;
  /** Plain text around the match (no markup: the client highlights the words itself). */
  snippet: string;
  updated_at: number;
}

export interface SearchRequest {
  userId: string;
  orgId: string;
  terms: readonly string[];
  limit: number;
}

/** A dialect's search: title hits first, then message hits, newest activity first. */
export type SearchEngine = (store: Store, request: SearchRequest) => Promise<SearchHit[]>;

/**
 * Full-text search over a person's conversation titles and message text (temporary conversations
 * excluded): SQLite FTS5 or PostgreSQL full-text search, with the same query semantics: every word
 * must match, each as a prefix, case- and (SQLite) accent-insensitive. With message text encrypted
 * (`cipher.enabled`) the engines cannot read it, and the search decrypts the person's messages in memory.
 * @example await searchConversations(store, { userId, orgId, q: 'quarterly budg', limit: 20 })
 */
export async function searchConversations(store: Store, q: { userId: string; orgId: string; q: string; limit: number }, cipher?: FieldCipher): Promise<SearchHit[]> {
  const request = { userId: q.userId, orgId: q.orgId, terms: searchTerms(q.q), limit: q.limit };
  if (cipher?.enabled) return decryptingSearch(store, cipher, request);
  const engine: SearchEngine = store.dialect === 'sqlite' ? sqliteSearch : postgresSearch;
  return engine(store, request);
}
