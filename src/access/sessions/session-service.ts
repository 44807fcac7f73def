import { randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Store } from '../../state/index.ts';
import type { SessionTable } from '../../state/index.ts';
import { newId } from '../change-record.ts';
import { sha256Hex } from '../credentials/constant-time.ts';
import { actorOf, type Directory, type UserRow } from '../directory/directory.ts';
import type { Actor } from '../permissions/actor.ts';

export { sessionView, SessionViewSchema, type SessionView } from './session-view.ts';

export type SessionRow = Selectable<SessionTable>;

/** The cookie that carries a session. HttpOnly, SameSite=Lax, Secure behind https. */
export const SESSION_COOKIE = 'tg_session';
/** The header a state-changing request made with a session cookie must carry (the session's CSRF token). */
export const CSRF_HEADER = 'x-csrf-token';

export interface SessionOptions {
  /** A session ends this long after sign-in, whatever happens. Default 7 days. */
  absoluteTtlMs?: number;
  /** A session ends after this long without a request. Default 12 hours. */
  idleTtlMs?: number;
  now?: () => number;
}

export interface StartSession {
  ip?: string | undefined;
  userAgent?: string | undefined;
  /** `password`, `password+totp`, `password+recovery`, `sso`, `invitation`, `password_reset`. */
  method: string;
  /** The session cookie the browser presented, if any: it is ended (rotation on sign-in). */
  replacing?: string | undefined;
}

export interface ActiveSession {
  session: SessionRow;
  user: UserRow;
  actor: Actor;
}

const LAST_SEEN_WRITE_MS = 60_000;

/**
 * Server-side sessions: the cookie holds a random token, the store holds its SHA-256, so a database
 * leak does not yield usable cookies. Sign-in always creates a new session (rotation); sign-out and
 * a password change end sessions at once, on every instance (each request reads the store).
 */
export class SessionService {
  private readonly now: () => number;
  private readonly absoluteTtlMs: number;
  private readonly idleTtlMs: number;

  constructor(
    private readonly store: Store,
    private readonly directory: Directory,
    options: SessionOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.absoluteTtlMs = options.absoluteTtlMs ?? 7 * 86_400_000;
    this.idleTtlMs = options.idleTtlMs ?? 12 * 3_600_000;
  }

  /** Creates a session for a user; returns the cookie value (shown once) and the row. */
  async start(userId: string, input: StartSession): Promise<{ token: string; session: SessionRow }> {
    if (input.replacing) await this.endByToken(input.replacing);
    const at = this.now();
    const token = randomBytes(32).toString('base64url');
    const session: SessionRow = {
      id: newId('ses'),
      token_hash: sha256Hex(token),
      user_id: userId,
      csrf_token: randomBytes(24).toString('base64url'),
      created_at: at,
      last_seen_at: at,
      expires_at: at + this.absoluteTtlMs,
      ended_at: null,
      ip: input.ip ?? null,
      user_agent: input.userAgent?.slice(0, 500) ?? null,
      method: input.method,
    };
    await this.store.db.insertInto('sessions').values(session).execute();
    await this.store.db.updateTable('users').set({ last_sign_in_at: at }).where('id', '=', userId).execute();
    return { token, session };
  }

  /** The live session a cookie value belongs to, with its user and actor; undefined if none. */
  async authenticate(token: string): Promise<ActiveSession | undefined> {
    const at = this.now();
    const session = await this.store.db.selectFrom('sessions').selectAll().where('token_hash', '=', sha256Hex(token)).executeTakeFirst();
    if (!session || session.ended_at !== null || session.expires_at <= at || session.last_seen_at + this.idleTtlMs <= at) return undefined;
    const user = await this.directory.getUser(session.user_id);
    if (!user || user.status !== 'active') return undefined;
    if (at - session.last_seen_at >= LAST_SEEN_WRITE_MS) {
      session.last_seen_at = at;
      await this.store.db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', session.id).execute();
    }
    return { session, user, actor: actorOf(user, await this.directory.memberships(user.id)) };
  }

  /** The user's live sessions, newest first. */
  async list(userId: string): Promise<SessionRow[]> {
    const at = this.now();
    return this.store.db
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', userId)
      .where('ended_at', 'is', null)
      .where('expires_at', '>', at)
      .where('last_seen_at', '>', at - this.idleTtlMs)
      .orderBy('created_at', 'desc')
      .execute();
  }

  /** Ends one of the user's sessions; false if it is not theirs or already ended. */
  async end(userId: string, sessionId: string): Promise<boolean> {
    const r = await this.store.db
      .updateTable('sessions')
      .set({ ended_at: this.now() })
      .where('id', '=', sessionId)
      .where('user_id', '=', userId)
      .where('ended_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async endByToken(token: string): Promise<void> {
    await this.store.db.updateTable('sessions').set({ ended_at: this.now() }).where('token_hash', '=', sha256Hex(token)).where('ended_at', 'is', null).execute();
  }

  /** Ends every session of a user (password change, disable), except one if given. Returns how many. */
  async endAll(userId: string, exceptSessionId?: string): Promise<number> {
    let q = this.store.db.updateTable('sessions').set({ ended_at: this.now() }).where('user_id', '=', userId).where('ended_at', 'is', null);
    if (exceptSessionId) q = q.where('id', '!=', exceptSessionId);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /** Deletes sessions that ended or expired before `before`. */
  async prune(before: number): Promise<number> {
    const r = await this.store.db
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('ended_at', '<', before), eb('expires_at', '<', before)]))
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
