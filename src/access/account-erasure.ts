import type { Directory } from './directory/directory.ts';

/**
 * 409 `last_owner` when erasing this person would leave their organization without an active
 * owner; checked before anything is erased.
 */
export async function assertMayErase(directory: Directory, userId: string): Promise<void> {
  const user = await directory.getUser(userId);
  if (user) await directory.assertNotLastOwner(user, 'id');
}

/**
 * Removes what access holds about a person (erasure): the user row keeps its id (other rows refer
 * to it) but loses every personal field (email becomes `<token>@erased.invalid`, name
 * "Erased user", no password, second factor or SSO link) and is disabled; memberships, sessions and
 * pending invitations to the address go; their keys are revoked and no longer name them. Every instance drops the person's
 * cached principals (access change published with the transaction).
 * @example await eraseAccount(directory, user.id, 'erased_3f…', Date.now());
 */
export async function eraseAccount(directory: Directory, userId: string, token: string, at: number): Promise<{ keysRevoked: number }> {
  const revoked = await directory.db.transaction().execute(async (trx) => {
    const user = await trx.selectFrom('users').select(['email']).where('id', '=', userId).executeTakeFirstOrThrow();
    await trx
      .updateTable('users')
      .set({
        email: `${token}@erased.invalid`,
        name: 'Erased user',
        org_role: null,
        status: 'disabled',
        password_hash: null,
        password_changed_at: null,
        totp_secret: null,
        totp_enabled_at: null,
        totp_last_step: null,
        recovery_codes: null,
        sso_issuer: null,
        sso_subject: null,
        email_verified_at: null,
        last_sign_in_at: null,
        updated_at: at,
      })
      .where('id', '=', userId)
      .execute();
    await trx.deleteFrom('memberships').where('user_id', '=', userId).execute();
    await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
    await trx.deleteFrom('invitations').where('email', '=', user.email).execute();
    const keys = await trx.updateTable('api_keys').set({ revoked_at: at, name: 'erased', last_used_ip: null }).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
    // The keys stay (ledger rows and audit records name them) but no longer say whose they were: the
    // ledger rows now carry a pseudonym, and a key → user link would tell which account it stands for.
    await trx.updateTable('api_keys').set({ name: 'erased', last_used_ip: null, user_id: null }).where('user_id', '=', userId).execute();
    await directory.accessChanged(trx);
    return Number(keys.numUpdatedRows);
  });
  directory.onAccessChange();
  return { keysRevoked: revoked };
}
