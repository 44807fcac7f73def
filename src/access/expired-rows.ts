import type { Store } from '../state/index.ts';

/**
 * Deletes forgotten sign-in counters and used or expired one-time tokens older than `before`
 * (epoch ms). Access owns these tables; the composition root only schedules the call.
 * @example await pruneExpiredAccessRows(store, Date.now() - 86_400_000);
 */
export async function pruneExpiredAccessRows(store: Store, before: number): Promise<void> {
  await store.db.deleteFrom('login_throttle').where('forget_at', '<', before).execute();
  await store.db
    .deleteFrom('one_time_tokens')
    .where((eb) => eb.or([eb('expires_at', '<', before), eb('used_at', '<', before)]))
    .execute();
}
