import { PLAINTEXT, type FieldCipher } from '../../compliance/index.ts';
import type { Selectable, Transaction } from 'kysely';
import { ACCESS_TOPIC, publishChange, type Database, type Store } from '../../state/index.ts';
import type { MembershipTable, OrgTable, RoleName, TeamTable, UserTable } from '../../state/index.ts';
import { fail } from '../../errors/index.ts';
import { changeRecord, newId, type ChangeContext } from '../change-record.ts';
import type { Actor } from '../permissions/actor.ts';
import { membershipView, orgView, teamView, userView } from './directory-views.ts';
import { appendAuditEvent } from '../../compliance/audit/index.ts';

export { membershipView, orgView, teamView, userView } from './directory-views.ts';

export type OrgRow = Selectable<OrgTable>;
export type TeamRow = Selectable<TeamTable>;
export type UserRow = Selectable<UserTable>;
export type MembershipRow = Selectable<MembershipTable>;

export interface NewUser {
  /** A pre-chosen `usr_…` id (so change records of the same transaction can name the user as actor). */
  id?: string | undefined;
  orgId: string;
  email: string;
  name: string;
  orgRole?: RoleName | null | undefined;
  passwordHash?: string | null | undefined;
  sso?: { issuer: string; subject: string } | undefined;
  /** The person proved the address (a mailed invitation, SSO with a verified email); default false. */
  emailVerified?: boolean | undefined;
}

/**
 * Organizations, teams, users and memberships, and the Actor a user acts as. Every change writes
 * a change record (actor, action, target, before, after) in the same transaction.
 */
export class Directory {
  readonly now: () => number;
  /**
   * Called after any change that can alter what someone may do (roles, status, allowlists), on
   * this instance at once; other processes hear of it through the change feed (published in the
   * change's transaction, see `accessChanged`).
   */
  onAccessChange: () => void = () => {};

  /** Encrypts stored secrets (TOTP, SSO client secret) at rest; plaintext without a master key. */
  readonly cipher: FieldCipher;

  constructor(
    readonly store: Store,
    options: { now?: () => number; cipher?: FieldCipher } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.cipher = options.cipher ?? PLAINTEXT;
  }

  get db() {
    return this.store.db;
  }

  /** The first organization created: the deployment's own (its owners run the deployment). */
  async homeOrg(): Promise<OrgRow | undefined> {
    return this.db.selectFrom('orgs').selectAll().orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
  }

  async createOrg(name: string, ctx: ChangeContext | null): Promise<OrgRow> {
    const at = this.now();
    const row: OrgRow = { id: newId('org'), name, require_2fa: 0, ip_allowlist: null, sso: null, allow_unpriced_models: 0, created_at: at, updated_at: at };
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('orgs').values(row).execute();
      await this.record(trx, ctx ?? { actorId: 'system', orgId: row.id }, 'org.created', row.id, null, orgView(row), at, row.id);
    });
    return row;
  }

  getOrg(id: string): Promise<OrgRow | undefined> {
    return this.db.selectFrom('orgs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async createTeam(orgId: string, name: string, ctx: ChangeContext): Promise<TeamRow> {
    const at = this.now();
    const row: TeamRow = { id: newId('team'), org_id: orgId, name, created_at: at, updated_at: at, rate_limits: null };
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('teams').values(row).execute();
      await this.record(trx, ctx, 'team.created', row.id, null, teamView(row), at, orgId);
    });
    return row;
  }

  getTeam(id: string): Promise<TeamRow | undefined> {
    return this.db.selectFrom('teams').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async createUser(input: NewUser, ctx: ChangeContext, trx?: Transaction<Database>): Promise<UserRow> {
    const at = this.now();
    const row: UserRow = {
      id: input.id ?? newId('usr'),
      org_id: input.orgId,
      email: input.email.toLowerCase(),
      name: input.name,
      org_role: input.orgRole ?? null,
      status: 'active',
      password_hash: input.passwordHash ?? null,
      password_changed_at: input.passwordHash ? at : null,
      totp_secret: null,
      totp_enabled_at: null,
      totp_last_step: null,
      recovery_codes: null,
      sso_issuer: input.sso?.issuer ?? null,
      sso_subject: input.sso?.subject ?? null,
      email_verified_at: input.emailVerified === true ? at : null,
      last_sign_in_at: null,
      created_at: at,
      updated_at: at,
    };
    const write = async (t: Transaction<Database>) => {
      await t.insertInto('users').values(row).execute();
      await this.record(t, ctx, 'user.created', row.id, null, userView(row), at, input.orgId);
    };
    if (trx) await write(trx);
    else await this.db.transaction().execute(write);
    return row;
  }

  getUser(id: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Every user of the deployment, oldest first (operator listings). */
  allUsers(): Promise<UserRow[]> {
    return this.db.selectFrom('users').selectAll().orderBy('created_at').orderBy('id').execute();
  }

  findUserByEmail(email: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
  }

  memberships(userId: string): Promise<MembershipRow[]> {
    return this.db.selectFrom('memberships').selectAll().where('user_id', '=', userId).orderBy('created_at').execute();
  }

  getMembership(teamId: string, userId: string): Promise<MembershipRow | undefined> {
    return this.db.selectFrom('memberships').selectAll().where('team_id', '=', teamId).where('user_id', '=', userId).executeTakeFirst();
  }

  /** Adds a user to a team or changes their role there (the caller has checked the escalation rules). */
  async setMembership(teamId: string, userId: string, role: RoleName, ctx: ChangeContext, trx?: Transaction<Database>): Promise<MembershipRow> {
    const at = this.now();
    const write = async (t: Transaction<Database>) => {
      const before = await t.selectFrom('memberships').selectAll().where('team_id', '=', teamId).where('user_id', '=', userId).executeTakeFirst();
      const row: MembershipRow = { team_id: teamId, user_id: userId, role, created_at: before?.created_at ?? at };
      // An upsert, so two concurrent additions (e.g. two SSO sign-ins at once) cannot collide.
      await t
        .insertInto('memberships')
        .values(row)
        .onConflict((oc) => oc.columns(['team_id', 'user_id']).doUpdateSet({ role }))
        .execute();
      await this.record(t, ctx, before ? 'membership.role_changed' : 'membership.added', `${teamId}/${userId}`, before ? membershipView(before) : null, membershipView(row), at, ctx.orgId);
      await this.accessChanged(t);
      return row;
    };
    const row = trx ? await write(trx) : await this.db.transaction().execute(write);
    this.onAccessChange();
    return row;
  }

  async removeMembership(teamId: string, userId: string, ctx: ChangeContext): Promise<MembershipRow | undefined> {
    const at = this.now();
    const removed = await this.db.transaction().execute(async (t) => {
      const before = await t.selectFrom('memberships').selectAll().where('team_id', '=', teamId).where('user_id', '=', userId).executeTakeFirst();
      if (!before) return undefined;
      await t.deleteFrom('memberships').where('team_id', '=', teamId).where('user_id', '=', userId).execute();
      await this.record(t, ctx, 'membership.removed', `${teamId}/${userId}`, membershipView(before), null, at, ctx.orgId);
      await this.accessChanged(t);
      return before;
    });
    this.onAccessChange();
    return removed;
  }

  /** What an active user may do: their memberships and org role. Undefined for an unknown or disabled user. */
  async loadActor(userId: string): Promise<Actor | undefined> {
    const user = await this.getUser(userId);
    if (!user || user.status !== 'active') return undefined;
    return actorOf(user, await this.memberships(userId));
  }

  /** Tells every process on the store, when `trx` commits, that cached principals may be stale. */
  async accessChanged(trx: Transaction<Database>): Promise<void> {
    await publishChange(trx, this.store.dialect, ACCESS_TOPIC);
  }

  /** Writes a change record inside a transaction. */
  async record(
    trx: Transaction<Database>,
    ctx: ChangeContext,
    action: string,
    target: string,
    before: unknown,
    after: unknown,
    at: number,
    orgId: string = ctx.orgId,
  ): Promise<void> {
    await appendAuditEvent(trx, changeRecord({ ...ctx, orgId }, { action, target, before, after }, at));
  }

  // The admin API (directory-routes.ts, invitation-routes.ts) uses the methods below.

  /**
   * Creates an organization, its `Default` team and its owner (org role owner, no password yet) in
   * one transaction; `then` runs in the same transaction (the owner's invitation). The creation is
   * recorded in the new organization and in the creator's.
   * @example await directory.createOrgWithOwner({ name: 'Acme', ownerEmail: 'ana@acme.test' }, ctx, (t, c) => invite(t, c));
   */
  async createOrgWithOwner<T>(
    input: { name: string; ownerEmail: string; ownerName?: string | undefined },
    ctx: ChangeContext,
    then: (trx: Transaction<Database>, created: { org: OrgRow; team: TeamRow; owner: UserRow }) => Promise<T>,
  ): Promise<{ org: OrgRow; team: TeamRow; owner: UserRow; extra: T }> {
    const at = this.now();
    const org: OrgRow = { id: newId('org'), name: input.name, require_2fa: 0, ip_allowlist: null, sso: null, allow_unpriced_models: 0, created_at: at, updated_at: at };
    const team: TeamRow = { id: newId('team'), org_id: org.id, name: 'Default', created_at: at, updated_at: at, rate_limits: null };
    const inOrg: ChangeContext = { ...ctx, orgId: org.id };
    return this.db.transaction().execute(async (t) => {
      await t.insertInto('orgs').values(org).execute();
      await this.record(t, inOrg, 'org.created', org.id, null, orgView(org), at);
      if (ctx.orgId !== org.id) await this.record(t, ctx, 'org.created', org.id, null, orgView(org), at);
      await t.insertInto('teams').values(team).execute();
      await this.record(t, inOrg, 'team.created', team.id, null, teamView(team), at);
      const owner = await this.createUser({ orgId: org.id, email: input.ownerEmail, name: input.ownerName ?? 'Owner', orgRole: 'owner' }, inOrg, t);
      return { org, team, owner, extra: await then(t, { org, team, owner }) };
    });
  }

  /** Changes an organization's name or policies (undefined: unchanged; an empty allowlist: none). */
  async updateOrg(id: string, patch: OrgPatch, ctx: ChangeContext): Promise<OrgRow | undefined> {
    const at = this.now();
    const updated = await this.db.transaction().execute(async (t) => {
      const before = await t.selectFrom('orgs').selectAll().where('id', '=', id).executeTakeFirst();
      if (!before) return undefined;
      const after: OrgRow = { ...before, updated_at: at };
      if (patch.name !== undefined) after.name = patch.name;
      if (patch.require2fa !== undefined) after.require_2fa = patch.require2fa ? 1 : 0;
      if (patch.ipAllowlist !== undefined) after.ip_allowlist = patch.ipAllowlist?.length ? JSON.stringify(patch.ipAllowlist) : null;
      if (patch.allowUnpricedModels !== undefined) after.allow_unpriced_models = patch.allowUnpricedModels ? 1 : 0;
      await t
        .updateTable('orgs')
        .set({ name: after.name, require_2fa: after.require_2fa, ip_allowlist: after.ip_allowlist, allow_unpriced_models: after.allow_unpriced_models, updated_at: at })
        .where('id', '=', id)
        .execute();
      await this.record(t, ctx, 'org.updated', id, orgView(before), orgView(after), at, id);
      await this.accessChanged(t);
      return after;
    });
    if (updated) this.onAccessChange();
    return updated;
  }

  /** Every organization, oldest (the home organization) first. */
  listOrgs(): Promise<OrgRow[]> {
    return this.db.selectFrom('orgs').selectAll().orderBy('created_at').orderBy('id').execute();
  }

  /** Teams of an organization by name; only those with these ids when `only` is given. */
  async teamsOf(orgId: string, only?: readonly string[]): Promise<TeamRow[]> {
    if (only?.length === 0) return [];
    let q = this.db.selectFrom('teams').selectAll().where('org_id', '=', orgId);
    if (only) q = q.where('id', 'in', [...only]);
    return q.orderBy('name').orderBy('id').execute();
  }

  findTeamByName(orgId: string, name: string): Promise<TeamRow | undefined> {
    return this.db.selectFrom('teams').selectAll().where('org_id', '=', orgId).where('name', '=', name).executeTakeFirst();
  }

  /** The members of a team with their users, by name. */
  async teamMembers(teamId: string): Promise<{ membership: MembershipRow; user: UserRow }[]> {
    const rows = await this.db
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .selectAll('users')
      .select(['memberships.team_id as m_team_id', 'memberships.role as m_role', 'memberships.created_at as m_created_at'])
      .where('memberships.team_id', '=', teamId)
      .orderBy('users.name')
      .orderBy('users.id')
      .execute();
    return rows.map(({ m_team_id, m_role, m_created_at, ...user }) => ({
      membership: { team_id: m_team_id, user_id: user.id, role: m_role, created_at: m_created_at },
      user,
    }));
  }

  /**
   * Users of an organization, by name. With `within`: only users in one of these teams, and that
   * one user (the caller).
   */
  async usersOf(orgId: string, within?: { teamIds: readonly string[]; userId: string }): Promise<UserRow[]> {
    let q = this.db.selectFrom('users').selectAll().where('org_id', '=', orgId);
    if (within) {
      const teamIds = [...within.teamIds];
      q = q.where((eb) =>
        teamIds.length === 0
          ? eb('id', '=', within.userId)
          : eb.or([eb('id', '=', within.userId), eb('id', 'in', eb.selectFrom('memberships').select('user_id').where('team_id', 'in', teamIds))]),
      );
    }
    return q.orderBy('name').orderBy('id').execute();
  }

  /** Memberships of these users; only in these teams when `teamIds` is given. */
  async membershipsOf(userIds: readonly string[], teamIds?: readonly string[]): Promise<MembershipRow[]> {
    if (userIds.length === 0 || teamIds?.length === 0) return [];
    let q = this.db.selectFrom('memberships').selectAll().where('user_id', 'in', [...userIds]);
    if (teamIds) q = q.where('team_id', 'in', [...teamIds]);
    return q.orderBy('created_at').execute();
  }

  /**
   * Changes a user's name, org role or status (undefined: unchanged). Refuses with 409 `last_owner`
   * a change that would leave the organization without an active owner. The caller has checked the
   * escalation rules and ends the sessions of a disabled user.
   */
  async updateUser(id: string, patch: UserPatch, ctx: ChangeContext): Promise<UserRow | undefined> {
    const at = this.now();
    const result = await this.db.transaction().execute(async (t) => {
      const before = await t.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      if (!before) return undefined;
      const after: UserRow = { ...before, updated_at: at };
      if (patch.name !== undefined) after.name = patch.name;
      if (patch.orgRole !== undefined) after.org_role = patch.orgRole;
      if (patch.status !== undefined) after.status = patch.status;
      if (isActiveOwner(before) && !isActiveOwner(after)) await this.assertAnotherOwner(t, before, after.status === 'active' ? 'org_role' : 'status');
      await t.updateTable('users').set({ name: after.name, org_role: after.org_role, status: after.status, updated_at: at }).where('id', '=', id).execute();
      await this.record(t, ctx, 'user.updated', id, userView(before), userView(after), at, before.org_id);
      if (before.org_role !== after.org_role || before.status !== after.status) await this.accessChanged(t);
      return { before, after };
    });
    if (!result) return undefined;
    if (result.before.org_role !== result.after.org_role || result.before.status !== result.after.status) this.onAccessChange();
    return result.after;
  }

  /** 409 `last_owner` (naming `param`) when `user` is an active owner and the organization has no other. */
  async assertNotLastOwner(user: UserRow, param: string): Promise<void> {
    if (!isActiveOwner(user)) return;
    await this.db.transaction().execute((t) => this.assertAnotherOwner(t, user, param));
  }

  /** 409 `last_owner` unless the organization keeps another active owner; on PostgreSQL the org row is locked first. */
  private async assertAnotherOwner(t: Transaction<Database>, leaving: UserRow, param: string): Promise<void> {
    if (this.store.dialect === 'postgres') await t.selectFrom('orgs').select('id').where('id', '=', leaving.org_id).forUpdate().execute();
    const other = await t
      .selectFrom('users')
      .select('id')
      .where('org_id', '=', leaving.org_id)
      .where('org_role', '=', 'owner')
      .where('status', '=', 'active')
      .where('id', '!=', leaving.id)
      .limit(1)
      .executeTakeFirst();
    if (!other) throw fail('last_owner', {}, { param });
  }
}

export interface OrgPatch {
  name?: string | undefined;
  require2fa?: boolean | undefined;
  /** Canonical CIDR blocks; null or empty: no allowlist. */
  ipAllowlist?: string[] | null | undefined;
  /** Serve models without a price while a budget applies (counted as unpriced) instead of refusing them. */
  allowUnpricedModels?: boolean | undefined;
}

export interface UserPatch {
  name?: string | undefined;
  orgRole?: RoleName | null | undefined;
  status?: 'active' | 'disabled' | undefined;
}

const isActiveOwner = (u: UserRow) => u.org_role === 'owner' && u.status === 'active';

export function actorOf(user: UserRow, memberships: readonly MembershipRow[]): Actor {
  return {
    userId: user.id,
    orgId: user.org_id,
    memberships: memberships.map((m) => ({ teamId: m.team_id, role: m.role })),
    ...(user.org_role ? { orgRole: user.org_role } : {}),
  };
}
