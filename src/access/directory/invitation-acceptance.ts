import { fail } from '../../errors/index.ts';
import { invalidCredentials, invalidTotpCode, tooManyAttempts, totpRequired } from '../auth/auth-errors.ts';
import { acceptTotpCode } from '../auth/second-factor.ts';
import { newId, type ChangeContext } from '../change-record.ts';
import { parseDisplayName } from '../credentials/display-name.ts';
import type { LoginThrottle } from '../credentials/login-throttle.ts';
import type { PasswordHasher } from '../credentials/password-hasher.ts';
import { assertPasswordPolicy } from '../credentials/password-policy.ts';
import type { Totp } from '../credentials/totp.ts';
import { userView, type Directory, type MembershipRow, type UserRow } from './directory.ts';
import { isUniqueViolation } from './directory-lookups.ts';
import type { InvitationRow, Invitations } from './invitations.ts';

export interface AcceptanceDeps {
  directory: Directory;
  invitations: Invitations;
  hasher: PasswordHasher;
  /** Checks the second factor of an existing account with 2FA. */
  totp: Totp;
  /** The sign-in throttle: wrong passwords and codes given here count like failed sign-ins. */
  throttle: LoginThrottle;
  now: () => number;
}

export interface AcceptInput {
  token: string;
  /** Required when the invitation creates the account. */
  name?: string | undefined;
  password: string;
  /** Required when the existing account has two-factor authentication. */
  totp_code?: string | undefined;
}

export interface Acceptance {
  user: UserRow;
  invitation: InvitationRow;
  membership: MembershipRow;
}

/** How the invitee's account comes about. */
type AccountPlan =
  | { kind: 'new'; name: string; passwordHash: string }
  | { kind: 'existing'; user: UserRow }
  | { kind: 'first_password'; user: UserRow; name: string | undefined; passwordHash: string };

/** 400 `invitation_invalid`: unknown, expired, used or revoked (which one is not told). */
export function invalidInvitation() {
  return fail('invitation_invalid');
}

/**
 * Accepts an invitation: creates the account (or, for an account of the same organization, checks
 * its password), adds the membership and marks the invitation used, in one transaction. The token
 * works once even under concurrent acceptance (a conditional UPDATE claims it).
 * @example const { user } = await acceptInvitation(deps, { token, name: 'Ana', password }, { requestId: req.id, ip: req.ip });
 */
export async function acceptInvitation(deps: AcceptanceDeps, input: AcceptInput, meta: { requestId?: string; ip?: string }): Promise<Acceptance> {
  const invitation = await deps.invitations.findPending(input.token);
  if (!invitation) throw invalidInvitation();
  const existing = await deps.directory.findUserByEmail(invitation.email);
  const plan = await planAccount(deps, invitation, existing, input, meta.ip ?? '');
  const userId = plan.kind === 'new' ? newId('usr') : plan.user.id;
  const ctx: ChangeContext = { actorId: userId, orgId: invitation.org_id, requestId: meta.requestId, ip: meta.ip };
  // Only a link that went to the address (and nowhere else) proves it.
  const proven = invitation.delivery === 'mail';
  try {
    return await deps.directory.db.transaction().execute(async (t) => {
      if (!(await deps.invitations.claim(t, invitation, ctx))) throw invalidInvitation();
      let user: UserRow;
      if (plan.kind === 'new') {
        user = await deps.directory.createUser({ id: userId, orgId: invitation.org_id, email: invitation.email, name: plan.name, passwordHash: plan.passwordHash, emailVerified: proven }, ctx, t);
      } else {
        const at = deps.now();
        const before = plan.user;
        user = { ...before, email_verified_at: before.email_verified_at ?? (proven ? at : null) };
        if (plan.kind === 'first_password') {
          user = { ...user, name: plan.name ?? before.name, password_hash: plan.passwordHash, password_changed_at: at, updated_at: at };
          const r = await t
            .updateTable('users')
            .set({ name: user.name, password_hash: user.password_hash, password_changed_at: at, email_verified_at: user.email_verified_at, updated_at: at })
            .where('id', '=', user.id)
            .where('password_hash', 'is', null)
            .executeTakeFirst();
          if (Number(r.numUpdatedRows) !== 1) throw invalidInvitation();
          await deps.directory.record(t, ctx, 'user.password_set', user.id, userView(before), userView(user), at);
        } else if (user.email_verified_at !== before.email_verified_at) {
          await t.updateTable('users').set({ email_verified_at: user.email_verified_at, updated_at: at }).where('id', '=', user.id).execute();
          await deps.directory.record(t, ctx, 'user.email_verified', user.id, userView(before), userView(user), at);
        }
      }
      const membership = await deps.directory.setMembership(invitation.team_id, user.id, invitation.role, ctx, t);
      return { user, invitation, membership };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw fail('email_in_use', { param: 'token', reason: 'an account with this address was created meanwhile; sign in and ask for a new invitation' });
    throw err;
  }
}

/**
 * - No account with the address: a new one (name and a password that meets the policy required).
 * - An account of another organization: 409 `email_in_use`; a disabled one: 401 `user_disabled` (as its keys and SSO).
 * - An account with a password: its password must be given (401 `invalid_credentials` otherwise),
 *   and its second factor when it has 2FA (401 `totp_required` / `invalid_totp_code`), exactly as
 *   at sign-in, failures counted by the same throttle: an invitation is no way round either.
 * - A single-sign-on account without a password: 409 `sso_account` (an admin adds them directly).
 * - An account without any credential that existed when the invitation was issued (a new
 *   organization's owner): the invitation sets its first password. Issuing such an invitation
 *   needs `users.manage` (see invitation-routes.ts), the same power as sending a password reset.
 */
async function planAccount(deps: AcceptanceDeps, invitation: InvitationRow, existing: UserRow | undefined, input: AcceptInput, ip: string): Promise<AccountPlan> {
  if (!existing) {
    const name = parseDisplayName(input.name, 'name');
    assertPasswordPolicy(input.password, 'password');
    return { kind: 'new', name, passwordHash: await deps.hasher.hash(input.password) };
  }
  if (existing.org_id !== invitation.org_id) throw fail('email_in_use', { param: 'token', reason: 'this address belongs to an account of another organization' });
  if (existing.status !== 'active') throw fail('user_disabled');
  if (existing.password_hash !== null) {
    await proveExistingAccount(deps, existing, input, ip);
    return { kind: 'existing', user: existing };
  }
  if (existing.sso_issuer !== null) {
    throw fail('sso_account', { remedy: 'sign in that way and ask an admin to add you to the team' }, { param: 'token' });
  }
  if (existing.created_at > invitation.created_at) throw invalidInvitation();
  const name = input.name === undefined ? undefined : parseDisplayName(input.name, 'name');
  assertPasswordPolicy(input.password, 'password');
  return { kind: 'first_password', user: existing, name, passwordHash: await deps.hasher.hash(input.password) };
}

/** Signs the existing account in, as POST /api/auth/sign-in would: password, then the TOTP code if it has 2FA. */
async function proveExistingAccount(deps: AcceptanceDeps, user: UserRow, input: AcceptInput, ip: string): Promise<void> {
  const subject = { account: user.email, ip };
  const gate = await deps.throttle.check(subject);
  if (!gate.allowed) throw tooManyAttempts(gate.retryAfterMs);
  if (!(await deps.hasher.verify(user.password_hash, input.password))) {
    await deps.throttle.recordFailure(subject);
    throw invalidCredentials();
  }
  if (user.totp_enabled_at !== null) {
    if (input.totp_code === undefined) throw totpRequired();
    if (!(await acceptTotpCode(deps.directory, deps.totp, user, input.totp_code))) {
      await deps.throttle.recordFailure(subject);
      throw invalidTotpCode('totp_code');
    }
  }
  await deps.throttle.recordSuccess(subject);
}
