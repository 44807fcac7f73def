import { changeRecord, type ChangeContext } from '../access/index.ts';
import { appendAuditEvent } from '../compliance/audit/index.ts';
import type { FieldCipher } from '../compliance/index.ts';
import { publishChange, type Store } from '../state/index.ts';
import { deploymentSchema, type Deployment } from './deployment.ts';

/** Change-feed topic: a deployment was written through the API (every instance rebuilds its list). */
export const DEPLOYMENTS_TOPIC = 'deployments';

/** A deployment written through the API, with its key opened (inline) or still a reference. */
export interface StoredDeployment {
  deployment: Deployment;
  /** The inline key, opened; undefined when the key is given by reference or there is none. */
  inlineKey: string | undefined;
}

/** What the audit log keeps of a deployment: its settings and whether an inline key is set, never the key. */
export type AuditedDeployment = Deployment & { api_key_inline: boolean };

/** The associated data an inline key is sealed with: a sealed key copied to another row does not open. */
const keyAad = (id: string) => `upstream_deployments:${id}:api_key`;

/**
 * Reads and writes `upstream_deployments`. An inline key is sealed under the home organization's
 * data key before it is written and opened when read; every write records a change (settings
 * before and after, never the key) and tells the other instances through the change feed.
 * @example await new DeploymentStore(store, cipher, homeOrgId).create(d, 'sk-…', ctx, Date.now());
 */
export class DeploymentStore {
  constructor(
    private readonly store: Store,
    private readonly cipher: FieldCipher,
    private readonly homeOrgId: string,
  ) {}

  /** Every stored deployment, in the order they were created; a row that no longer validates is skipped (returned in `invalid`). */
  async all(): Promise<{ deployments: StoredDeployment[]; invalid: string[] }> {
    const rows = await this.store.db.selectFrom('upstream_deployments').selectAll().orderBy('created_at').orderBy('id').execute();
    const deployments: StoredDeployment[] = [];
    const invalid: string[] = [];
    for (const r of rows) {
      const parsed = deploymentSchema.safeParse(JSON.parse(r.settings));
      if (!parsed.success) {
        invalid.push(r.id);
        continue;
      }
      const inlineKey = r.api_key === null ? undefined : await this.cipher.open(this.homeOrgId, r.api_key, keyAad(r.id));
      deployments.push({ deployment: parsed.data, inlineKey });
    }
    return { deployments, invalid };
  }

  /** Whether a stored deployment has this id. */
  async has(id: string): Promise<boolean> {
    return (await this.store.db.selectFrom('upstream_deployments').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
  }

  /** The stored settings of one deployment (no key), or undefined. */
  async get(id: string): Promise<{ deployment: Deployment; inline: boolean } | undefined> {
    const r = await this.store.db.selectFrom('upstream_deployments').select(['settings', 'api_key']).where('id', '=', id).executeTakeFirst();
    return r && { deployment: deploymentSchema.parse(JSON.parse(r.settings)), inline: r.api_key !== null };
  }

  /** Writes a new deployment; false when the id is taken. `inlineKey` is sealed first. */
  async create(d: Deployment, inlineKey: string | undefined, ctx: ChangeContext, now: number): Promise<boolean> {
    const sealed = inlineKey === undefined ? null : await this.cipher.seal(this.homeOrgId, inlineKey, keyAad(d.id));
    try {
      return await this.store.db.transaction().execute(async (trx) => {
        if (await trx.selectFrom('upstream_deployments').select('id').where('id', '=', d.id).executeTakeFirst()) return false;
        await trx.insertInto('upstream_deployments').values({ id: d.id, settings: JSON.stringify(d), api_key: sealed, created_at: now, updated_at: now, updated_by: ctx.actorId }).execute();
        await appendAuditEvent(trx, changeRecord(ctx, { action: 'deployment.created', target: d.id, before: null, after: audited(d, sealed !== null) }, now));
        await publishChange(trx, this.store.dialect, DEPLOYMENTS_TOPIC);
        return true;
      });
    } catch (err) {
      // Two creates of one id at once: the second meets the primary key (PostgreSQL), and is a conflict, not a failure.
      if (await this.has(d.id)) return false;
      throw err;
    }
  }

  /**
   * Replaces a deployment's settings; `inlineKey`: a new key to seal, `null` to drop the inline key
   * (the settings give a reference or none), `undefined` to keep the one stored. False when absent.
   */
  async update(d: Deployment, inlineKey: string | null | undefined, ctx: ChangeContext, now: number): Promise<boolean> {
    const sealed = typeof inlineKey === 'string' ? await this.cipher.seal(this.homeOrgId, inlineKey, keyAad(d.id)) : inlineKey;
    return this.store.db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom('upstream_deployments').select(['settings', 'api_key']).where('id', '=', d.id).executeTakeFirst();
      if (!before) return false;
      const key = sealed === undefined ? before.api_key : sealed;
      await trx.updateTable('upstream_deployments').set({ settings: JSON.stringify(d), api_key: key, updated_at: now, updated_by: ctx.actorId }).where('id', '=', d.id).execute();
      const details = { key_changed: typeof inlineKey === 'string' };
      await appendAuditEvent(trx, changeRecord(ctx, { action: 'deployment.updated', target: d.id, before: audited(JSON.parse(before.settings) as Deployment, before.api_key !== null), after: audited(d, key !== null), details }, now));
      await publishChange(trx, this.store.dialect, DEPLOYMENTS_TOPIC);
      return true;
    });
  }

  /** Deletes a deployment; false when absent. */
  async delete(id: string, ctx: ChangeContext, now: number): Promise<boolean> {
    return this.store.db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom('upstream_deployments').select(['settings', 'api_key']).where('id', '=', id).executeTakeFirst();
      if (!before) return false;
      await trx.deleteFrom('upstream_deployments').where('id', '=', id).execute();
      await appendAuditEvent(trx, changeRecord(ctx, { action: 'deployment.deleted', target: id, before: audited(JSON.parse(before.settings) as Deployment, before.api_key !== null), after: null }, now));
      await publishChange(trx, this.store.dialect, DEPLOYMENTS_TOPIC);
      return true;
    });
  }
}

function audited(d: Deployment, inline: boolean): AuditedDeployment {
  return { ...d, api_key_inline: inline };
}
