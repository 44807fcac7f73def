import type { Generated } from 'kysely';

/**
 * Tables of access (see migration 0005): organizations, teams, users, memberships, sessions,
 * invitations and one-time tokens. Times are epoch milliseconds; JSON is stored as text.
 */
export interface AccessTables {
  orgs: OrgTable;
  teams: TeamTable;
  users: UserTable;
  memberships: MembershipTable;
  sessions: SessionTable;
  invitations: InvitationTable;
  one_time_tokens: OneTimeTokenTable;
  login_throttle: LoginThrottleTable;
  change_versions: ChangeVersionTable;
}

export type RoleName = 'owner' | 'admin' | 'member' | 'viewer' | 'auditor';

export interface OrgTable {
  /** `org_…` */
  id: string;
  name: string;
  /** 1: every user must enrol TOTP before they can do anything else. */
  require_2fa: Generated<number>;
  /** JSON array of CIDRs every key and session of the org must come from; null: anywhere. */
  ip_allowlist: string | null;
  /** JSON single sign-on settings (issuer, client, group rules); null: no SSO. */
  sso: string | null;
  /** 1: models without a price are served under budgets (counted as unpriced); 0: refused while a budget applies. */
  allow_unpriced_models: Generated<number>;
  created_at: number;
  updated_at: number;
}

export interface TeamTable {
  /** `team_…` */
  id: string;
  org_id: string;
  name: string;
  created_at: number;
  updated_at: number;
  /** JSON `{requests_per_minute?, tokens_per_minute?, max_concurrent?}`; null: none (0012). */
  rate_limits: string | null;
}

export interface UserTable {
  /** `usr_…` */
  id: string;
  org_id: string;
  /** Lower-cased; unique across the deployment. */
  email: string;
  name: string;
  /** A role held across the whole organization (e.g. its owner), or null. */
  org_role: RoleName | null;
  status: Generated<'active' | 'disabled'>;
  /** argon2id PHC string; null: no local password (SSO-only or not yet set). */
  password_hash: string | null;
  password_changed_at: number | null;
  /** Base32 TOTP secret; null: not enrolled. Pending until totp_enabled_at is set. */
  totp_secret: string | null;
  totp_enabled_at: number | null;
  /** The last accepted TOTP time step, so a code is used once. */
  totp_last_step: number | null;
  /** JSON array of SHA-256 hashes of unused recovery codes. */
  recovery_codes: string | null;
  sso_issuer: string | null;
  sso_subject: string | null;
  /** When the person proved the address (a mailed link, or SSO with a verified email); null: unverified. */
  email_verified_at: number | null;
  last_sign_in_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface MembershipTable {
  team_id: string;
  user_id: string;
  role: RoleName;
  created_at: number;
}

export interface SessionTable {
  /** `ses_…`: shown to the user in their session list; not the cookie value. */
  id: string;
  /** SHA-256 of the cookie value. */
  token_hash: string;
  user_id: string;
  /** Must come back in `x-csrf-token` on every state-changing request made with this session. */
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  ended_at: number | null;
  ip: string | null;
  user_agent: string | null;
  /** `password`, `password+totp`, `sso`, `invitation`. */
  method: Generated<string>;
}

export interface InvitationTable {
  /** `inv_…` */
  id: string;
  org_id: string;
  team_id: string;
  email: string;
  role: RoleName;
  /** SHA-256 of the invitation token (the link carries the token). */
  token_hash: string;
  /** Actor id of who invited. */
  invited_by: string;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
  revoked_at: number | null;
  /** `mail`: the link went only to the address; `link`: it was returned to the inviter (no mailer). */
  delivery: Generated<'mail' | 'link'>;
}

export interface OneTimeTokenTable {
  hash: string;
  purpose: string;
  subject: string;
  data: Generated<string>;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

/** Failed sign-ins of one account or one address (key: SHA-256 of `a:<email>` or `i:<ip>`). */
export interface LoginThrottleTable {
  key: string;
  failures: number;
  /** No attempt is accepted before this time. */
  blocked_until: number;
  /** The counter is forgotten from this time on. */
  forget_at: number;
}

/** A counter per topic bumped by every change other processes must learn about (see state/change-feed). */
export interface ChangeVersionTable {
  topic: string;
  version: number;
}
