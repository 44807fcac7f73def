import { randomBytes } from 'node:crypto';
import type { Selectable, Transaction } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../state/index.ts';
import type { InvitationTable, RoleName } from '../../state/index.ts';
import { newId, type ChangeContext } from '../change-record.ts';
import { sha256Hex } from '../credentials/constant-time.ts';
import { ROLES } from '../permissions/roles.ts';
import type { Directory } from './directory.ts';

export type InvitationRow = Selectable<InvitationTable>;
export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

/** How long an invitation link works unless the inviter says otherwise. */
export const INVITATION_DEFAULT_DAYS = 7;
/** The longest an invitation may be made to last. */
export const INVITATION_MAX_DAYS = 30;
const DAY_MS = 86_400_000;

/** Which invitations a list shows. */
export interface InvitationFilter {
  teamId?: string | undefined;
  status?: InvitationStatus | undefined;
  limit?: number | undefined;
}

export interface NewInvitation {
  orgId: string;
  teamId: string;
  /** Canonical (lower-cased) address. */
  email: string;
  role: RoleName;
  /** Actor id of the inviter. */
  invitedBy: string;
  /** Days until the link stops working (1–30). */
  days?: number | undefined;
  /**
   * `mail`: the link is only mailed to the address, so accepting it proves the address;
   * `link` (default): it is handed to the inviter (no mailer), and proves nothing.
   */
  delivery?: 'mail' | 'link' | undefined;
}

/** Where an invitation stands at `now`. */
export function invitationStatus(row: InvitationRow, now: number): InvitationStatus {
  if (row.accepted_at !== null) return 'accepted';
  if (row.revoked_at !== null) return 'revoked';
  return row.expires_at <= now ? 'expired' : 'pending';
}

const time = z.iso.datetime();

/** An invitation as the API shows it: never its token or the token's hash. */
export const InvitationViewSchema = z.strictObject({
  id: z.string(),
  object: z.literal('invitation'),
  org_id: z.string(),
  team_id: z.string(),
  email: z.string(),
  role: z.enum(ROLES),
  status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
  invited_by: z.string(),
  created_at: time,
  expires_at: time,
  accepted_at: time.nullable(),
  revoked_at: time.nullable(),
});
export type InvitationView = z.output<typeof InvitationViewSchema>;

/** The view of an invitation as it stands at `now`. */
export function invitationView(row: InvitationRow, now: number): InvitationView {
  return {
    id: row.id,
    object: 'invitation',
    org_id: row.org_id,
    team_id: row.team_id,
    email: row.email,
    role: row.role,
    status: invitationStatus(row, now),
    invited_by: row.invited_by,
    created_at: iso(row.created_at),
    expires_at: iso(row.expires_at),
    accepted_at: row.accepted_at === null ? null : iso(row.accepted_at),
    revoked_at: row.revoked_at === null ? null : iso(row.revoked_at),
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Invitations into a team. The link carries a random token (32 bytes, base64url); the store keeps
 * only its SHA-256, so a database leak yields no usable link. A token works once, until it expires
 * or is revoked. Every change writes a change record.
 * @example const { invitation, token } = await invitations.create({ orgId, teamId, email, role: 'member', invitedBy: actor.userId }, ctx);
 */
export class Invitations {
  private readonly now: () => number;

  constructor(
    private readonly directory: Directory,
    options: { now?: (() => number) | undefined } = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  private get db() {
    return this.directory.db;
  }

  /**
   * Creates an invitation and returns it with its token (shown this once). Earlier pending
   * invitations of the same address into the same team are revoked: the newest link is the one that works.
   */
  async create(input: NewInvitation, ctx: ChangeContext, trx?: Transaction<Database>): Promise<{ invitation: InvitationRow; token: string }> {
    const at = this.now();
    const token = randomBytes(32).toString('base64url');
    const row: InvitationRow = {
      id: newId('inv'),
      org_id: input.orgId,
      team_id: input.teamId,
      email: input.email,
      role: input.role,
      token_hash: sha256Hex(token),
      invited_by: input.invitedBy,
      created_at: at,
      expires_at: at + (input.days ?? INVITATION_DEFAULT_DAYS) * DAY_MS,
      accepted_at: null,
      revoked_at: null,
      delivery: input.delivery ?? 'link',
    };
    const write = async (t: Transaction<Database>) => {
      const earlier = await t
        .selectFrom('invitations')
        .selectAll()
        .where('team_id', '=', input.teamId)
        .where('email', '=', input.email)
        .where('accepted_at', 'is', null)
        .where('revoked_at', 'is', null)
        .execute();
      for (const old of earlier) await this.markRevoked(t, old, at, ctx);
      await t.insertInto('invitations').values(row).execute();
      await this.directory.record(t, ctx, 'invitation.created', row.id, null, invitationView(row, at), at, row.org_id);
    };
    if (trx) await write(trx);
    else await this.db.transaction().execute(write);
    return { invitation: row, token };
  }

  get(id: string): Promise<InvitationRow | undefined> {
    return this.db.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * Invitations of an organization, newest first: of every team (`'all'`) or of these teams,
   * optionally of one team or in one state; at most `limit` (default 100).
   */
  async list(orgId: string, teams: 'all' | readonly string[], filter: InvitationFilter = {}): Promise<InvitationRow[]> {
    if (teams !== 'all' && teams.length === 0) return [];
    const now = this.now();
    let q = this.db.selectFrom('invitations').selectAll().where('org_id', '=', orgId);
    if (teams !== 'all') q = q.where('team_id', 'in', [...teams]);
    if (filter.teamId !== undefined) q = q.where('team_id', '=', filter.teamId);
    if (filter.status === 'accepted') q = q.where('accepted_at', 'is not', null);
    else if (filter.status === 'revoked') q = q.where('accepted_at', 'is', null).where('revoked_at', 'is not', null);
    else if (filter.status !== undefined) {
      q = q.where('accepted_at', 'is', null).where('revoked_at', 'is', null).where('expires_at', filter.status === 'pending' ? '>' : '<=', now);
    }
    return q.orderBy('created_at', 'desc').orderBy('id').limit(filter.limit ?? 100).execute();
  }

  /** Revokes a pending or expired invitation; an already revoked one is returned as it is. */
  async revoke(id: string, ctx: ChangeContext): Promise<InvitationRow | undefined> {
    const at = this.now();
    return this.db.transaction().execute(async (t) => {
      const row = await t.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row || row.revoked_at !== null || row.accepted_at !== null) return row;
      return this.markRevoked(t, row, at, ctx);
    });
  }

  /** The invitation a token belongs to while it can still be accepted; undefined otherwise. */
  async findPending(token: string): Promise<InvitationRow | undefined> {
    const row = await this.db.selectFrom('invitations').selectAll().where('token_hash', '=', sha256Hex(token)).executeTakeFirst();
    return row && invitationStatus(row, this.now()) === 'pending' ? row : undefined;
  }

  /**
   * Marks a pending invitation accepted, atomically (one conditional UPDATE), so a token is used
   * once even when two acceptances race. False when it was accepted, revoked or expired meanwhile.
   */
  async claim(t: Transaction<Database>, row: InvitationRow, ctx: ChangeContext): Promise<boolean> {
    const at = this.now();
    const r = await t
      .updateTable('invitations')
      .set({ accepted_at: at })
      .where('id', '=', row.id)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', at)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return false;
    await this.directory.record(t, ctx, 'invitation.accepted', row.id, invitationView(row, at), invitationView({ ...row, accepted_at: at }, at), at, row.org_id);
    return true;
  }

  private async markRevoked(t: Transaction<Database>, row: InvitationRow, at: number, ctx: ChangeContext): Promise<InvitationRow> {
    const after: InvitationRow = { ...row, revoked_at: at };
    await t.updateTable('invitations').set({ revoked_at: at }).where('id', '=', row.id).where('revoked_at', 'is', null).execute();
    await this.directory.record(t, ctx, 'invitation.revoked', row.id, invitationView(row, at), invitationView(after, at), at, row.org_id);
    return after;
  }
}
