import type { Store } from '../state/index.ts';
import type { ChangeContext } from './change-record.ts';
import type { Directory, OrgRow, TeamRow, UserRow } from './directory/directory.ts';
import { hashKeySecret } from './key-secret.ts';
import type { KeyService } from './key-service.ts';

export interface HomeOrg {
  org: OrgRow;
  owner: UserRow;
  defaultTeam: TeamRow;
  /** A bootstrap admin key generated on this start (shown once), if any. */
  generatedAdminKey: string | undefined;
  /**
   * The home organization was created on this start: the caller then has metering place the ledger
   * rows and budgets from before organizations existed (`placeUnplacedRows`), as access does not
   * write metering's tables.
   */
  firstStart: boolean;
}

export interface BootstrapOptions {
  orgName: string;
  ownerEmail: string;
  /** TOLLGATE_ADMIN_KEY: the owner's personal key, added on any start if not known yet. */
  adminKey: string | undefined;
  /** On an empty key table, generate an admin key to show once (the server does; CLI commands do not). */
  generateAdminKey?: boolean;
}

/**
 * On first start creates the home organization, its `Default` team and its owner; the bootstrap
 * admin key (TOLLGATE_ADMIN_KEY, or a generated one shown once on an empty store) is the owner's
 * personal key. Keys made before organizations existed are adopted: admin keys become the owner's,
 * other keys service keys of the default team (their ledger rows and budgets are metering's to place:
 * see `firstStart`).
 */
export async function bootstrapAccess(store: Store, directory: Directory, keys: KeyService, options: BootstrapOptions): Promise<HomeOrg> {
  let org = await directory.homeOrg();
  const firstStart = org === undefined;
  let owner: UserRow | undefined;
  let defaultTeam: TeamRow | undefined;
  if (!org) {
    org = await directory.createOrg(options.orgName, null);
    const ctx: ChangeContext = { actorId: 'system', orgId: org.id };
    defaultTeam = await directory.createTeam(org.id, 'Default', ctx);
    owner = (await directory.findUserByEmail(options.ownerEmail)) ?? (await directory.createUser({ orgId: org.id, email: options.ownerEmail, name: 'Owner', orgRole: 'owner' }, ctx));
  } else {
    owner = await store.db.selectFrom('users').selectAll().where('org_id', '=', org.id).where('org_role', '=', 'owner').orderBy('created_at').limit(1).executeTakeFirst();
    defaultTeam = await store.db.selectFrom('teams').selectAll().where('org_id', '=', org.id).orderBy('created_at').limit(1).executeTakeFirst();
    if (!owner || !defaultTeam) throw new Error(`home organization ${org.id} has no owner or no team: the database is inconsistent`);
  }
  const ctx: ChangeContext = { actorId: 'system', orgId: org.id };

  // Keys from before organizations existed (migration 0005).
  await store.db.updateTable('api_keys').set({ org_id: org.id, user_id: owner.id, role: 'member' }).where('org_id', 'is', null).where('role', '=', 'admin').execute();
  await store.db.updateTable('api_keys').set({ org_id: org.id, team_id: defaultTeam.id, role: 'member' }).where('org_id', 'is', null).execute();

  let generatedAdminKey: string | undefined;
  if (options.adminKey !== undefined) {
    const known = await store.db.selectFrom('api_keys').select('id').where('hash', '=', hashKeySecret(options.adminKey)).executeTakeFirst();
    if (!known) await keys.create({ name: 'bootstrap admin (TOLLGATE_ADMIN_KEY)', orgId: org.id, userId: owner.id, secret: options.adminKey }, ctx);
  } else if (options.generateAdminKey === true && (await keys.count()) === 0) {
    generatedAdminKey = (await keys.create({ name: 'bootstrap admin', orgId: org.id, userId: owner.id }, ctx)).secret;
  }
  return { org, owner, defaultTeam, generatedAdminKey, firstStart };
}
