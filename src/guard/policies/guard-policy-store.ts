import { randomBytes } from 'node:crypto';
import { changeRecord, type ChangeContext } from '../../access/index.ts';
import { appendAuditEvent } from '../../compliance/audit/index.ts';
import { publishChange, type Store } from '../../state/index.ts';
import type { GuardPolicy } from '../policy/policy-schema.ts';

/** Change-feed topic: a policy was set or deleted (every instance reloads its policies). */
export const GUARD_TOPIC = 'guard';

export type PolicyScope = 'org' | 'team' | 'key';

/** One stored policy and where it belongs (for permissions). */
export interface StoredPolicy {
  id: string;
  orgId: string;
  scope: PolicyScope;
  scopeId: string;
  teamId: string | null;
  ownerUserId: string | null;
  policy: GuardPolicy;
  updatedAt: number;
  updatedBy: string;
}

export type PolicyPlacement = Pick<StoredPolicy, 'orgId' | 'scope' | 'scopeId' | 'teamId' | 'ownerUserId'>;

/** Reads and writes `guard_policies`; every write records a change in the audit log and tells the other instances. */
export class GuardPolicyStore {
  constructor(private readonly store: Store) {}

  /** Every stored policy (they are few: at most one per organization, team and key). Rows that no longer parse are skipped by the caller. */
  async all(): Promise<{ row: Omit<StoredPolicy, 'policy'>; json: string }[]> {
    const rows = await this.store.db.selectFrom('guard_policies').selectAll().execute();
    return rows.map((r) => ({
      row: { id: r.id, orgId: r.org_id, scope: r.scope, scopeId: r.scope_id, teamId: r.team_id, ownerUserId: r.owner_user_id, updatedAt: Number(r.updated_at), updatedBy: r.updated_by },
      json: r.policy,
    }));
  }

  /** Sets the policy of a scope (replacing the one there), records the change and publishes it. */
  async put(place: PolicyPlacement, policy: GuardPolicy, ctx: ChangeContext, now: number): Promise<void> {
    const json = JSON.stringify(policy);
    await this.store.db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom('guard_policies').select(['id', 'policy']).where('scope', '=', place.scope).where('scope_id', '=', place.scopeId).executeTakeFirst();
      if (before) {
        await trx.updateTable('guard_policies').set({ policy: json, updated_at: now, updated_by: ctx.actorId, team_id: place.teamId, owner_user_id: place.ownerUserId }).where('id', '=', before.id).execute();
      } else {
        await trx
          .insertInto('guard_policies')
          .values({ id: `gpol_${randomBytes(12).toString('hex')}`, org_id: place.orgId, scope: place.scope, scope_id: place.scopeId, team_id: place.teamId, owner_user_id: place.ownerUserId, policy: json, updated_at: now, updated_by: ctx.actorId })
          .execute();
      }
      const target = `${place.scope}:${place.scopeId}`;
      await appendAuditEvent(trx, changeRecord(ctx, { action: 'guard_policy.set', target, before: before ? JSON.parse(before.policy) : null, after: policy }, now));
      await publishChange(trx, this.store.dialect, GUARD_TOPIC);
    });
  }

  /** Deletes the policy of a scope; false when there was none. */
  async delete(scope: PolicyScope, scopeId: string, ctx: ChangeContext, now: number): Promise<boolean> {
    return this.store.db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom('guard_policies').select(['id', 'policy']).where('scope', '=', scope).where('scope_id', '=', scopeId).executeTakeFirst();
      if (!before) return false;
      await trx.deleteFrom('guard_policies').where('id', '=', before.id).execute();
      await appendAuditEvent(trx, changeRecord(ctx, { action: 'guard_policy.deleted', target: `${scope}:${scopeId}`, before: JSON.parse(before.policy), after: null }, now));
      await publishChange(trx, this.store.dialect, GUARD_TOPIC);
      return true;
    });
  }
}
