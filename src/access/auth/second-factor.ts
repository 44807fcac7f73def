import type { Store } from '../../state/index.ts';
import { redeemRecoveryCode } from '../credentials/recovery-codes.ts';
import type { Totp } from '../credentials/totp.ts';
import type { Directory, UserRow } from '../directory/directory.ts';

/** The associated data binding a user's sealed TOTP secret to its row. */
export const totpAad = (userId: string) => `users/${userId}/totp_secret`;

/**
 * Accepts a TOTP code for the user's secret (enabled or pending) at most once: the code's time step
 * is stored with a conditional update (`totp_last_step < step`), so a replayed code, also one sent
 * twice at the same moment, is refused. False for a wrong, malformed or reused code.
 * @example if (!(await acceptTotpCode(directory, totp, user, body.code))) throw fail('incorrect_totp_code', { param: 'code' });
 */
export async function acceptTotpCode(directory: Directory, totp: Totp, user: UserRow, code: string): Promise<boolean> {
  if (user.totp_secret === null) return false;
  const secret = await directory.cipher.open(user.org_id, user.totp_secret, totpAad(user.id));
  const check = totp.verify(secret, code, user.totp_last_step);
  const store = directory.store;
  if (!check.valid) return false;
  const r = await store.db
    .updateTable('users')
    .set({ totp_last_step: check.step })
    .where('id', '=', user.id)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', check.step)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Uses one of the user's recovery codes: it is removed from the stored list with a conditional
 * update on the list as read, so each code works once. Returns how many codes are left, or
 * undefined when the code is wrong or already used.
 */
export async function useRecoveryCode(store: Store, user: UserRow, input: string): Promise<number | undefined> {
  if (user.recovery_codes === null) return undefined;
  const redemption = redeemRecoveryCode(JSON.parse(user.recovery_codes) as string[], input);
  if (!redemption.ok) return undefined;
  const r = await store.db
    .updateTable('users')
    .set({ recovery_codes: JSON.stringify(redemption.remaining) })
    .where('id', '=', user.id)
    .where('recovery_codes', '=', user.recovery_codes)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1 ? redemption.remaining.length : undefined;
}
