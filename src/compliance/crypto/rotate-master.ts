import type { Store } from '../../state/index.ts';
import { unwrapDataKey, wrapDataKey } from './data-key-wrap.ts';
import type { MasterKey, MasterKeyRing } from './master-key.ts';

export interface RotationResult {
  /** Data keys now wrapped by the new master key. */
  rewrapped: number;
  /** Data keys that already were. */
  unchanged: number;
}

/**
 * Re-wraps every live data key under `next`, in one transaction: content encrypted under the data
 * keys is not touched and stays readable. Fails, changing nothing, if a data key was wrapped by a
 * master key the ring does not hold.
 * @example await rotateMasterKey(store, keyRing(oldMaster), newMaster);
 */
export async function rotateMasterKey(store: Store, ring: MasterKeyRing, next: MasterKey): Promise<RotationResult> {
  return store.db.transaction().execute(async (trx) => {
    const rows = await trx.selectFrom('data_keys').select(['id', 'owner', 'wrapped', 'master_key_id']).where('destroyed_at', 'is', null).execute();
    let rewrapped = 0;
    let unchanged = 0;
    for (const row of rows) {
      if (row.master_key_id === next.id) {
        unchanged++;
        continue;
      }
      const key = unwrapDataKey(ring, row.id, row.owner, row.wrapped!);
      const wrapped = wrapDataKey(next, row.id, row.owner, key);
      key.fill(0);
      await trx.updateTable('data_keys').set({ wrapped, master_key_id: next.id }).where('id', '=', row.id).execute();
      rewrapped++;
    }
    return { rewrapped, unchanged };
  });
}
