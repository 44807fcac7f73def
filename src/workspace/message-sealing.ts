import { isSealed, type FieldCipher } from '../compliance/index.ts';
import type { Store } from '../state/index.ts';
import { messageAad } from './conversation-store.ts';

const BATCH = 500;

/**
 * Seals message text written before encryption was on (or by a Tollgate without a master key),
 * each under its owner's data key; run at start-up. Each row is updated only if it still holds
 * the plaintext read, so a concurrent writer is never overwritten. Returns how many were sealed.
 * @example const n = await sealPlaintextMessages(store, cipher);
 */
export async function sealPlaintextMessages(store: Store, cipher: FieldCipher): Promise<number> {
  if (!cipher.enabled) return 0;
  let sealed = 0;
  let after = 0;
  for (;;) {
    const rows = await store.db
      .selectFrom('conversation_messages as m')
      .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
      .select(['m.num', 'm.id', 'm.content', 'c.org_id', 'c.user_id'])
      .where('m.num', '>', after)
      .where('m.content', 'not like', 'tge1.%')
      .orderBy('m.num')
      .limit(BATCH)
      .execute();
    for (const r of rows) {
      after = r.num;
      if (isSealed(r.content)) continue;
      const content = await cipher.seal(r.org_id, r.content, messageAad(r.id), { userId: r.user_id });
      const u = await store.db.updateTable('conversation_messages').set({ content }).where('id', '=', r.id).where('content', '=', r.content).executeTakeFirst();
      sealed += Number(u.numUpdatedRows);
    }
    if (rows.length < BATCH) return sealed;
  }
}
