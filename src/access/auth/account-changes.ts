import type { Updateable } from 'kysely';
import type { Store } from '../../state/index.ts';
import type { UserTable } from '../../state/index.ts';
import { changeRecord, type ChangeContext, type ChangeInput } from '../change-record.ts';
import { userView, type UserRow } from '../directory/directory.ts';
import { appendAuditEvent } from '../../compliance/audit/index.ts';

export interface AccountChange {
  /** e.g. `user.password_changed`, `user.2fa_enabled`. */
  action: string;
  ctx: ChangeContext;
  /** Extra facts for the record (counts, methods); never a secret. */
  details?: Record<string, unknown>;
}

/**
 * Updates a user's row and writes the change record (before and after as `userView`, which holds
 * no hash, secret or recovery code) in one transaction. Returns the row after the change.
 * @example await updateAccount(store, user.id, { name: 'Ana' }, { action: 'user.renamed', ctx }, Date.now());
 */
export async function updateAccount(store: Store, userId: string, patch: Updateable<UserTable>, change: AccountChange, at: number): Promise<UserRow> {
  return store.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
    await trx.updateTable('users').set({ ...patch, updated_at: at }).where('id', '=', userId).execute();
    const after = await trx.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
    const record = { action: change.action, target: userId, before: userView(before), after: userView(after), details: change.details };
    await appendAuditEvent(trx, changeRecord({ ...change.ctx, orgId: before.org_id }, record, at));
    return after;
  });
}

/**
 * Writes a change record on its own (for changes made elsewhere, e.g. a session started by the
 * SessionService).
 */
export async function recordChange(store: Store, ctx: ChangeContext, change: ChangeInput, at: number): Promise<void> {
  await appendAuditEvent(store.db, changeRecord(ctx, change, at));
}

/** The change context of someone acting on their own account without a session yet (sign-in, reset). */
export function selfContext(user: UserRow, req: { id: string; ip: string }): ChangeContext {
  return { actorId: user.id, orgId: user.org_id, requestId: req.id, ip: req.ip };
}
