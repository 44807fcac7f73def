import type { FieldCipher } from '../../compliance/index.ts';
import type { Store } from '../../state/index.ts';
import { messageAad, titleAad } from '../conversation-store.ts';
import type { SearchHit, SearchRequest } from './conversation-search.ts';

/** Messages read per search, newest first: the cost of a search is bounded whatever a person holds. */
export const MAX_SCANNED_MESSAGES = 5_000;
const BATCH = 500;
const SNIPPET_WORDS = 24;

/**
 * Search when message text is encrypted: the database cannot index ciphertext, so the person's own
 * newest messages (at most MAX_SCANNED_MESSAGES) are decrypted in memory and matched with the same
 * semantics as the full-text engines (every word, each as a prefix, case- and accent-insensitive).
 * Titles are matched the same way. The trade-off (docs/compliance.md): no plaintext index on disk,
 * at the price of work proportional to the person's history and a cap on how far back it looks.
 */
export async function decryptingSearch(store: Store, cipher: FieldCipher, r: SearchRequest): Promise<SearchHit[]> {
  const convs = await store.db
    .selectFrom('conversations')
    .select(['id', 'title', 'updated_at'])
    .where('org_id', '=', r.orgId)
    .where('user_id', '=', r.userId)
    .where('temporary', '=', 0)
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  for (const c of convs) c.title = await cipher.open(r.orgId, c.title, titleAad(c.id));
  const hits: SearchHit[] = [];
  for (const c of convs) {
    if (hits.length >= r.limit) return hits;
    if (matches(c.title, r.terms)) hits.push({ conversation_id: c.id, title: c.title, message_id: null, snippet: c.title, updated_at: Number(c.updated_at) });
  }
  const byId = new Map(convs.map((c) => [c.id, c]));
  let scanned = 0;
  let page = 0;
  while (hits.length < r.limit && scanned < MAX_SCANNED_MESSAGES) {
    const rows = await store.db
      .selectFrom('conversation_messages as m')
      .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
      .select(['m.id', 'm.conversation_id', 'm.content'])
      .where('c.org_id', '=', r.orgId)
      .where('c.user_id', '=', r.userId)
      .where('c.temporary', '=', 0)
      .orderBy('c.updated_at', 'desc')
      .orderBy('c.id', 'desc')
      .orderBy('m.seq', 'desc')
      .limit(BATCH)
      .offset(page * BATCH)
      .execute();
    page++;
    for (const m of rows) {
      scanned++;
      const text = await cipher.open(r.orgId, m.content, messageAad(m.id));
      const snippet = matchSnippet(text, r.terms);
      const c = byId.get(m.conversation_id);
      if (snippet !== undefined && c) {
        hits.push({ conversation_id: c.id, title: c.title, message_id: m.id, snippet, updated_at: Number(c.updated_at) });
        if (hits.length >= r.limit) break;
      }
    }
    if (rows.length < BATCH) break;
  }
  return hits;
}

/** Lower-cased, accents removed, as the engines' tokenizers see text. */
function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

function wordsOf(text: string): string[] {
  return fold(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

function matches(text: string, terms: readonly string[]): boolean {
  const words = wordsOf(text);
  return terms.every((t) => {
    const term = fold(t);
    return words.some((w) => w.startsWith(term));
  });
}

/** About SNIPPET_WORDS words around the first word matching a term; undefined when not every term matches. */
function matchSnippet(text: string, terms: readonly string[]): string | undefined {
  if (!matches(text, terms)) return undefined;
  const raw = text.split(/\s+/).filter((w) => w !== '');
  const folded = terms.map(fold);
  const at = Math.max(0, raw.findIndex((w) => wordsOf(w).some((x) => folded.some((t) => x.startsWith(t)))));
  const from = Math.max(0, at - SNIPPET_WORDS / 2);
  const part = raw.slice(from, from + SNIPPET_WORDS).join(' ');
  return `${from > 0 ? '…' : ''}${part}${from + SNIPPET_WORDS < raw.length ? '…' : ''}`;
}
