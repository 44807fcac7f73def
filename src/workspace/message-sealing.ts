import { isSealed, type FieldCipher } from '../compliance/index.ts';
import type { Store } from '../state/index.ts';
import { messageAad, titleAad } from './conversation-store.ts';
import { templateAad, templateKeyScope } from './templates/template-store.ts';

const BATCH = 500;

/** A row holding text to seal, with the organization and (for a personal key) the person whose data key seals it. */
interface PlainRow {
  /** Where the next page starts (a row number, or the id where rows have no number). */
  cursor: number | string;
  id: string;
  text: string;
  org_id: string;
  user_id: string | null;
}

/**
 * Seals message text written before encryption was on (or by a Tollgate without a master key),
 * each under its owner's data key; run at start-up. Each row is updated only if it still holds
 * the plaintext read, so a concurrent writer is never overwritten. Returns how many were sealed.
 * @example const n = await sealPlaintextMessages(store, cipher);
 */
export function sealPlaintextMessages(store: Store, cipher: FieldCipher): Promise<number> {
  return sealRows(
    cipher,
    (after) =>
      store.db
        .selectFrom('conversation_messages as m')
        .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
        .select(['m.num as cursor', 'm.id', 'm.content as text', 'c.org_id', 'c.user_id'])
        .where('m.num', '>', Number(after))
        .where('m.content', 'not like', 'tge1.%')
        .orderBy('m.num')
        .limit(BATCH)
        .execute(),
    messageAad,
    async (r, content) => (await store.db.updateTable('conversation_messages').set({ content }).where('id', '=', r.id).where('content', '=', r.text).executeTakeFirst()).numUpdatedRows,
  );
}

/** Seals conversation titles written in plain text, the same way (a title is the start of a conversation). */
export function sealPlaintextTitles(store: Store, cipher: FieldCipher): Promise<number> {
  return sealRows(
    cipher,
    (after) =>
      store.db
        .selectFrom('conversations')
        .select(['num as cursor', 'id', 'title as text', 'org_id', 'user_id'])
        .where('num', '>', Number(after))
        .where('title', 'not like', 'tge1.%')
        .orderBy('num')
        .limit(BATCH)
        .execute(),
    titleAad,
    async (r, title) => (await store.db.updateTable('conversations').set({ title }).where('id', '=', r.id).where('title', '=', r.text).executeTakeFirst()).numUpdatedRows,
  );
}

/**
 * Seals a template's text written in plain text: a personal template's under its owner's key, a team
 * template's under the organization's (see templateKeyScope).
 */
export function sealPlaintextTemplates(store: Store, cipher: FieldCipher): Promise<number> {
  return sealRows(
    cipher,
    async (after) => {
      const rows = await store.db
        .selectFrom('templates')
        .select(['id', 'content as text', 'org_id', 'user_id', 'team_id'])
        .where('id', '>', String(after))
        .where('content', 'not like', 'tge1.%')
        .orderBy('id')
        .limit(BATCH)
        .execute();
      return rows.map((r) => ({ cursor: r.id, id: r.id, text: r.text, org_id: r.org_id, user_id: templateKeyScope(r)?.userId ?? null }));
    },
    templateAad,
    async (r, content) => (await store.db.updateTable('templates').set({ content }).where('id', '=', r.id).where('content', '=', r.text).executeTakeFirst()).numUpdatedRows,
  );
}

async function sealRows(cipher: FieldCipher, page: (after: number | string) => Promise<PlainRow[]>, aad: (id: string) => string, write: (r: PlainRow, sealed: string) => Promise<bigint>): Promise<number> {
  if (!cipher.enabled) return 0;
  let sealed = 0;
  let after: number | string = '';
  for (;;) {
    const rows = await page(after);
    for (const r of rows) {
      after = r.cursor;
      if (isSealed(r.text)) continue;
      sealed += Number(await write(r, await cipher.seal(r.org_id, r.text, aad(r.id), r.user_id === null ? undefined : { userId: r.user_id })));
    }
    if (rows.length < BATCH) return sealed;
  }
}
