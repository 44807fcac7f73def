import { fail } from '../../errors/index.ts';
import { changeRecord, type ChangeContext } from '../change-record.ts';
import { parseDisplayName } from '../credentials/display-name.ts';
import { parseEmailAddress } from '../credentials/email-address.ts';
import { userView, type Directory, type OrgRow, type UserRow } from '../directory/directory.ts';
import { mapGroups, type TeamMembership } from './group-mapping.ts';
import type { SsoIdentity } from './sso-identity.ts';
import { groupRulesOf, type SsoSettings } from './sso-settings.ts';
import { appendAuditEvent } from '../../compliance/audit/index.ts';

/** The actor id of changes made by a sign-in through an identity provider. */
export function ssoActorId(issuer: string): string {
  return `sso:${issuer}`;
}

/**
 * Turns a verified identity into a Tollgate user of `org` and applies the group rules:
 * 1. the user linked to (issuer, subject); else
 * 2. the user of this org with the same email, linked now (only if the IdP verified the email); else
 * 3. a new user, if just-in-time provisioning is on.
 * A user of another organization, a disabled user, an email outside `allowed_email_domains`
 * and a second IdP account for an already linked email are refused with 403.
 * @example const user = await provisionSsoUser(directory, org, settings, identity, ctx);
 */
export async function provisionSsoUser(directory: Directory, org: OrgRow, settings: SsoSettings, identity: SsoIdentity, ctx: ChangeContext): Promise<UserRow> {
  assertEmailDomain(settings, identity);
  const user = (await findLinkedUser(directory, identity)) ?? (await linkOrCreate(directory, org, settings, identity, ctx));
  if (user.org_id !== org.id) throw otherOrg();
  if (user.status !== 'active') throw fail('user_disabled');
  await syncMemberships(directory, org.id, user.id, settings, identity.groups, ctx);
  return user;
}

/**
 * Sets the memberships the IdP's groups grant. The teams named by the group rules (and the
 * default team) are IdP-managed: in them the user gets exactly the mapped role, or is removed
 * when no group maps there any more. Memberships in other teams, and org roles, are never touched.
 */
export async function syncMemberships(directory: Directory, orgId: string, userId: string, settings: SsoSettings, groups: readonly string[], ctx: ChangeContext): Promise<void> {
  const teams = new Set((await directory.db.selectFrom('teams').select('id').where('org_id', '=', orgId).execute()).map((t) => t.id));
  const rules = groupRulesOf(settings).filter((r) => teams.has(r.team));
  const fallback = defaultMembership(settings, teams);
  const mapped = mapGroups(groups, rules);
  const desired = mapped.length === 0 && fallback ? [fallback] : mapped;
  const managed = new Set([...rules.map((r) => r.team), ...(fallback ? [fallback.team] : [])]);

  const current = await directory.memberships(userId);
  for (const want of desired) {
    const held = current.find((m) => m.team_id === want.team);
    if (held?.role !== want.role) await directory.setMembership(want.team, userId, want.role, ctx);
  }
  for (const held of current) {
    if (managed.has(held.team_id) && !desired.some((d) => d.team === held.team_id)) await directory.removeMembership(held.team_id, userId, ctx);
  }
}

function defaultMembership(settings: SsoSettings, teams: Set<string>): TeamMembership | null {
  const { default_team_id: team, default_role: role } = settings;
  return team !== null && role !== null && teams.has(team) ? { team, role } : null;
}

function findLinkedUser(directory: Directory, identity: SsoIdentity): Promise<UserRow | undefined> {
  return directory.db
    .selectFrom('users')
    .selectAll()
    .where('sso_issuer', '=', identity.issuer)
    .where('sso_subject', '=', identity.subject)
    .executeTakeFirst();
}

async function linkOrCreate(directory: Directory, org: OrgRow, settings: SsoSettings, identity: SsoIdentity, ctx: ChangeContext): Promise<UserRow> {
  const email = emailOf(identity);
  const existing = await directory.findUserByEmail(email);
  if (existing) {
    if (existing.org_id !== org.id) throw otherOrg();
    return link(directory, existing, identity, ctx);
  }
  if (!settings.jit) {
    throw fail('sso_user_not_provisioned');
  }
  try {
    return await directory.createUser(
      { orgId: org.id, email, name: displayNameOf(identity, email), sso: { issuer: identity.issuer, subject: identity.subject }, emailVerified: identity.emailVerified },
      ctx,
    );
  } catch (err) {
    // Two first sign-ins of the same person at once: the other one created the user (unique email
    // and identity), so use it.
    const created = await findLinkedUser(directory, identity);
    if (created) return created;
    throw err;
  }
}

/**
 * Links an existing user to the IdP account; only a verified email may claim an account.
 * - An owner, or an account with two-factor authentication, is never linked by email (403
 *   `sso_link_refused`): the IdP is chosen by the organization's owners, and its word must not stand
 *   in for another owner's password or a person's second factor. They keep signing in with their
 *   password.
 * - An account whose address nobody proved (made from an invitation link handed to the inviter) is
 *   handed to the person who proved it: its password, 2FA and recovery codes are removed, its
 *   sessions end and its personal keys are revoked, since whoever set them up may not be that person.
 */
async function link(directory: Directory, user: UserRow, identity: SsoIdentity, ctx: ChangeContext): Promise<UserRow> {
  if (!identity.emailVerified) {
    throw fail('sso_email_unverified');
  }
  if (user.sso_issuer === identity.issuer && user.sso_subject !== null) {
    throw fail('sso_identity_conflict');
  }
  if (user.status !== 'active') return user;
  if (user.org_role === 'owner' || user.totp_enabled_at !== null) {
    throw fail('sso_link_refused');
  }
  const at = Date.now();
  const claimed = user.email_verified_at === null;
  const linked: UserRow = {
    ...user,
    sso_issuer: identity.issuer,
    sso_subject: identity.subject,
    email_verified_at: at,
    updated_at: at,
    ...(claimed ? { password_hash: null, password_changed_at: null, totp_secret: null, totp_enabled_at: null, totp_last_step: null, recovery_codes: null } : {}),
  };
  await directory.db.transaction().execute(async (trx) => {
    const { id: _id, ...changes } = linked;
    await trx.updateTable('users').set(changes).where('id', '=', user.id).execute();
    await directory.record(trx, ctx, 'user.sso_linked', user.id, userView(user), userView(linked), at, user.org_id);
    if (!claimed) return;
    const sessions = await trx.updateTable('sessions').set({ ended_at: at }).where('user_id', '=', user.id).where('ended_at', 'is', null).executeTakeFirst();
    const keys = await trx.updateTable('api_keys').set({ revoked_at: at }).where('user_id', '=', user.id).where('revoked_at', 'is', null).executeTakeFirst();
    const details = { sessions_ended: Number(sessions.numUpdatedRows), keys_revoked: Number(keys.numUpdatedRows) };
    await appendAuditEvent(trx, changeRecord(ctx, { action: 'user.claimed_by_verified_address', target: user.id, before: null, after: null, details }, at));
    await directory.accessChanged(trx);
  });
  if (claimed) directory.onAccessChange();
  return linked;
}

function assertEmailDomain(settings: SsoSettings, identity: SsoIdentity): void {
  if (settings.allowed_email_domains === null) return;
  const domain = emailOf(identity).split('@')[1];
  if (domain === undefined || !settings.allowed_email_domains.includes(domain)) {
    throw fail('sso_email_domain_not_allowed');
  }
}

function emailOf(identity: SsoIdentity): string {
  try {
    return parseEmailAddress(identity.email);
  } catch (err) {
    throw fail('sso_missing_claim', { reason: 'it has no valid email address' }, { cause: err });
  }
}

function displayNameOf(identity: SsoIdentity, email: string): string {
  try {
    return parseDisplayName(identity.name);
  } catch {
    return email.split('@')[0]!.slice(0, 100);
  }
}

const otherOrg = () => fail('sso_user_in_other_org');
