import type { ChangeContext } from '../change-record.ts';
import type { UserRow } from '../directory/directory.ts';
import type { MailMessage } from '../mail/mailer.ts';
import type { AccessRouteDeps } from '../route-deps.ts';
import { recordChange } from './account-changes.ts';
import { passwordResetTokens } from './auth-services.ts';
import { SqlOneTimeTokenStore } from '../credentials/sql-one-time-token-store.ts';

/** A reset link works once, for one hour. */
export const PASSWORD_RESET_TTL_MS = 60 * 60_000;

export type PasswordResetDeps = Pick<AccessRouteDeps, 'store' | 'mailer' | 'publicUrl' | 'log' | 'now'>;

export interface IssueResetOptions {
  /** Base of the link when TOLLGATE_PUBLIC_URL is not set, e.g. `linkBase(undefined, req)`. */
  origin?: string;
  /** Who asked (an admin); default `anonymous` (the public "forgot password" form). */
  ctx?: ChangeContext;
}

export interface IssuedReset {
  /** `${base}/reset-password?token=…`: show it only to whoever may reset this user's password. */
  url: string;
  token: string;
  expiresAt: number;
  /**
   * `mail`: meant for the user's inbox only (a mailer is configured), so using it proves the
   * address; `link`: no mailer, the link is for whoever asked.
   */
  delivery: 'mail' | 'link';
  /** Whether the link was mailed to the user (a mailer is configured and the server accepted it). */
  mailed: boolean;
  /** Makes the link stop working (a mail that could not be sent). */
  withdraw(): Promise<void>;
}

/**
 * Issues a single-use password-reset link for `user` (1 hour; the user's earlier unused reset
 * links stop working), mails it when a mailer is configured, and returns it either way, so an
 * admin can hand it over when there is no mail. Writes a `user.password_reset_issued` record
 * (without the token).
 * @example const { url, mailed } = await issuePasswordReset(deps, user, { origin: linkBase(deps.publicUrl, req), ctx: changeContextOf(req) });
 */
export async function issuePasswordReset(deps: PasswordResetDeps, user: UserRow, options: IssueResetOptions = {}): Promise<IssuedReset> {
  const now = deps.now ?? Date.now;
  const delivery = deps.mailer ? 'mail' : 'link';
  const { token, expiresAt } = await passwordResetTokens(deps).issue({ purpose: 'password_reset', subject: user.id, ttlMs: PASSWORD_RESET_TTL_MS, revokeEarlier: true, data: { delivery } });
  const base = (deps.publicUrl ?? options.origin ?? '').replace(/\/+$/, '');
  const url = `${base}/reset-password?token=${token}`;
  let mailed = false;
  if (deps.mailer) {
    try {
      await deps.mailer.send(resetMail(user, url));
      mailed = true;
    } catch (err) {
      deps.log.warn({ err, userId: user.id }, 'password reset mail could not be sent');
    }
  }
  const ctx = { ...(options.ctx ?? { actorId: 'anonymous' }), orgId: user.org_id };
  await recordChange(deps.store, ctx, { action: 'user.password_reset_issued', target: user.id, before: null, after: null, details: { expires_at: new Date(expiresAt).toISOString(), mailed } }, now());
  const withdraw = async () => {
    await new SqlOneTimeTokenStore(deps.store).revokeAll(user.id, 'password_reset', now());
  };
  return { url, token, expiresAt, delivery, mailed, withdraw };
}

/** The reset mail: plain text, the link, when it expires, and what to do if you did not ask. */
export function resetMail(user: Pick<UserRow, 'email' | 'name'>, url: string): MailMessage {
  return {
    to: user.email,
    subject: 'Reset your Tollgate password',
    text: [
      `Hello ${user.name},`,
      '',
      `Someone asked to reset the password of the Tollgate account ${user.email}.`,
      'To choose a new password, open this link within the next hour (it works once):',
      '',
      url,
      '',
      'If you did not ask for this, ignore this mail: your password stays as it is.',
      '',
    ].join('\n'),
  };
}
