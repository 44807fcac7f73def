import type { Principal } from '../../access/index.ts';
import type { Store } from '../../state/index.ts';
import type { UpstreamBatchTable, UpstreamFileTable } from '../../state/index.ts';

/** Who owns an object: the caller that created it. */
export interface Owner {
  orgId: string;
  teamId: string | null;
  keyId: string;
  userId: string | null;
}

/** The owner fields of a principal. */
export function ownerOf(p: Principal): Owner {
  return { orgId: p.orgId, teamId: p.teamId, keyId: p.keyId, userId: p.userId };
}

/** Batch statuses after which nothing changes any more. */
export const FINAL_STATUSES: ReadonlySet<string> = new Set(['completed', 'failed', 'expired', 'cancelled']);

/**
 * The record of every file and batch created at the upstream through Tollgate. The upstream account
 * is shared by every organization, so this record is what decides who sees an object: a caller sees
 * the objects of its own organization and team (a key in no team: the organization's objects made
 * by keys in no team). Anything else is reported as not existing.
 */
export class ObjectRegistry {
  constructor(private readonly store: Store) {}

  async addFile(id: string, owner: Owner, purpose: string, object: string, at: number): Promise<void> {
    await this.store.db
      .insertInto('upstream_files')
      .values({ id, org_id: owner.orgId, team_id: owner.teamId, key_id: owner.keyId, user_id: owner.userId, purpose, created_at: at, object })
      .execute();
  }

  /** The caller's file, or undefined when it is unknown or another's. */
  async file(id: string, viewer: Owner): Promise<UpstreamFileTable | undefined> {
    return this.store.db.selectFrom('upstream_files').selectAll().where('id', '=', id).where('org_id', '=', viewer.orgId).where('team_id', viewer.teamId === null ? 'is' : '=', viewer.teamId).executeTakeFirst();
  }

  async fileExists(id: string): Promise<boolean> {
    return (await this.store.db.selectFrom('upstream_files').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
  }

  /** Records a file the upstream made (a batch's output), unless it is recorded already. */
  async addFileIfAbsent(id: string, owner: Owner, purpose: string, object: string, at: number): Promise<void> {
    await this.store.db
      .insertInto('upstream_files')
      .values({ id, org_id: owner.orgId, team_id: owner.teamId, key_id: owner.keyId, user_id: owner.userId, purpose, created_at: at, object })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  async deleteFile(id: string): Promise<void> {
    await this.store.db.deleteFrom('upstream_files').where('id', '=', id).execute();
  }

  /** The caller's files, newest first, after the id `after` (OpenAI's cursor). */
  async files(viewer: Owner, q: { purpose?: string | undefined; after?: string | undefined; limit: number; order: 'asc' | 'desc' }): Promise<UpstreamFileTable[]> {
    let query = this.store.db.selectFrom('upstream_files').selectAll().where('org_id', '=', viewer.orgId).where('team_id', viewer.teamId === null ? 'is' : '=', viewer.teamId);
    if (q.purpose !== undefined) query = query.where('purpose', '=', q.purpose);
    if (q.after !== undefined) {
      const cursor = await this.file(q.after, viewer);
      if (!cursor) return [];
      const op = q.order === 'desc' ? '<' : '>';
      query = query.where((eb) => eb.or([eb('created_at', op, cursor.created_at), eb.and([eb('created_at', '=', cursor.created_at), eb('id', op, cursor.id)])]));
    }
    return query.orderBy('created_at', q.order).orderBy('id', q.order).limit(q.limit).execute();
  }

  /** Records a batch; `hold` is the budget reservation of its worst case, if a budget applies. */
  async addBatch(id: string, owner: Owner, endpoint: string, inputFileId: string, status: string, object: string, at: number, hold?: { id: string; nanos: number }): Promise<void> {
    await this.store.db
      .insertInto('upstream_batches')
      .values({ id, org_id: owner.orgId, team_id: owner.teamId, key_id: owner.keyId, user_id: owner.userId, endpoint, input_file_id: inputFileId, created_at: at, status, object, metering: 'pending', metering_at: null, metered_lines: 0, cost_nanos: 0, reservation_id: hold?.id ?? null, reserved_nanos: hold?.nanos ?? 0 })
      .execute();
  }

  /** The caller's batch, or undefined when it is unknown or another's. */
  async batch(id: string, viewer: Owner): Promise<UpstreamBatchTable | undefined> {
    return this.store.db.selectFrom('upstream_batches').selectAll().where('id', '=', id).where('org_id', '=', viewer.orgId).where('team_id', viewer.teamId === null ? 'is' : '=', viewer.teamId).executeTakeFirst();
  }

  async batchById(id: string): Promise<UpstreamBatchTable | undefined> {
    return this.store.db.selectFrom('upstream_batches').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The caller's batches, newest first, after the id `after`. */
  async batches(viewer: Owner, q: { after?: string | undefined; limit: number }): Promise<UpstreamBatchTable[]> {
    let query = this.store.db.selectFrom('upstream_batches').selectAll().where('org_id', '=', viewer.orgId).where('team_id', viewer.teamId === null ? 'is' : '=', viewer.teamId);
    if (q.after !== undefined) {
      const cursor = await this.batch(q.after, viewer);
      if (!cursor) return [];
      query = query.where((eb) => eb.or([eb('created_at', '<', cursor.created_at), eb.and([eb('created_at', '=', cursor.created_at), eb('id', '<', cursor.id)])]));
    }
    return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit).execute();
  }

  /** Batches not finished, or finished and not metered yet: what the poller looks at. */
  async unsettledBatches(limit: number): Promise<UpstreamBatchTable[]> {
    return this.store.db.selectFrom('upstream_batches').selectAll().where('metering', '=', 'pending').orderBy('created_at').limit(limit).execute();
  }

  async updateBatch(id: string, status: string, object: string): Promise<void> {
    await this.store.db.updateTable('upstream_batches').set({ status, object }).where('id', '=', id).execute();
  }

  /**
   * Claims the metering of a finished batch: true for exactly one caller, across instances (a
   * conditional update: only the one that moves it from `pending` wins).
   */
  async claimMetering(id: string, at: number): Promise<boolean> {
    const r = await this.store.db.updateTable('upstream_batches').set({ metering: 'metering', metering_at: at }).where('id', '=', id).where('metering', '=', 'pending').executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Gives a claim back (its output could not be read; nothing was written). */
  async releaseMetering(id: string): Promise<void> {
    await this.store.db.updateTable('upstream_batches').set({ metering: 'pending', metering_at: null }).where('id', '=', id).where('metering', '=', 'metering').execute();
  }

  async meteringDone(id: string, state: 'metered' | 'none', lines: number, costNanos: number, at: number): Promise<void> {
    await this.store.db.updateTable('upstream_batches').set({ metering: state, metering_at: at, metered_lines: lines, cost_nanos: costNanos }).where('id', '=', id).execute();
  }
}
