import type { Selectable, Transaction } from 'kysely';
import type { Database, Store } from '../../state/index.ts';
import type { MembershipTable, OrgTable, RoleName, TeamTable, UserTable } from '../../state/schema-access.ts';
import { changeRecord, newId, type ChangeContext } from '../change-record.ts';
import type { Actor } from '../permissions/actor.ts';

export type OrgRow = Selectable<OrgTable>;
export type TeamRow = Selectable<TeamTable>;
export type UserRow = Selectable<UserTable>;
export type MembershipRow = Selectable<MembershipTable>;

export interface NewUser {
  orgId: string;
  email: string;
  name: string;
  orgRole?: RoleName | null | undefined;
  passwordHash?: string | null | undefined;
  sso?: { issuer: string; subject: string } | undefined;
}

/** A user as the API shows them: never a hash, a TOTP secret or recovery codes. */
export function userView(u: UserRow) {
  return {
    id: u.id,
    object: 'user' as const,
    org_id: u.org_id,
    email: u.email,
    name: u.name,
    org_role: u.org_role,
    status: u.status,
    has_password: u.password_hash !== null,
    totp_enabled: u.totp_enabled_at !== null,
    sso: u.sso_issuer !== null,
    last_sign_in_at: iso(u.last_sign_in_at),
    created_at: new Date(u.created_at).toISOString(),
  };
}

export function teamView(t: TeamRow) {
  return { id: t.id, object: 'team' as const, org_id: t.org_id, name: t.name, created_at: new Date(t.created_at).toISOString() };
}

export function orgView(o: OrgRow) {
  return {
    id: o.id,
    object: 'organization' as const,
    name: o.name,
    require_2fa: o.require_2fa === 1,
    ip_allowlist: o.ip_allowlist ? (JSON.parse(o.ip_allowlist) as string[]) : null,
    sso_enabled: o.sso !== null,
    created_at: new Date(o.created_at).toISOString(),
  };
}

export function membershipView(m: MembershipRow) {
  return { object: 'membership' as const, team_id: m.team_id, user_id: m.user_id, role: m.role, created_at: new Date(m.created_at).toISOString() };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Organizations, teams, users and memberships, and the Actor a user acts as. Every change writes
 * a change record (actor, action, target, before, after) in the same transaction.
 */
export class Directory {
  private readonly now: () => number;
  /** Called after any change that can alter what someone may do (roles, status, allowlists). */
  onAccessChange: () => void = () => {};

  constructor(
    readonly store: Store,
    options: { now?: () => number } = {},
  ) {
    this.now = options.now ?? Date.now;
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
    const row: OrgRow = { id: newId('org'), name, require_2fa: 0, ip_allowlist: null, sso: null, created_at: at, updated_at: at };
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
    const row: TeamRow = { id: newId('team'), org_id: orgId, name, created_at: at, updated_at: at };
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
      id: newId('usr'),
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
      if (before) await t.updateTable('memberships').set({ role }).where('team_id', '=', teamId).where('user_id', '=', userId).execute();
      else await t.insertInto('memberships').values(row).execute();
      await this.record(t, ctx, before ? 'membership.role_changed' : 'membership.added', `${teamId}/${userId}`, before ? membershipView(before) : null, membershipView(row), at, ctx.orgId);
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
    await trx.insertInto('audit_events').values(changeRecord({ ...ctx, orgId }, { action, target, before, after }, at)).execute();
  }
}

export function actorOf(user: UserRow, memberships: readonly MembershipRow[]): Actor {
  return {
    userId: user.id,
    orgId: user.org_id,
    memberships: memberships.map((m) => ({ teamId: m.team_id, role: m.role })),
    ...(user.org_role ? { orgRole: user.org_role } : {}),
  };
}
