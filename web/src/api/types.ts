/**
 * What the API answers. The OpenAPI document describes requests (paths, query, bodies: see
 * schema.gen.ts, generated from it); the answers are written here from the views the server builds
 * (src/access/directory/directory.ts userView/teamView/orgView, key-service.ts toView,
 * budget-view.ts, usage-routes.ts view, …) and docs/*.md.
 */

export type Role = 'owner' | 'admin' | 'member' | 'viewer' | 'auditor';
export const ROLES: readonly Role[] = ['owner', 'admin', 'member', 'viewer', 'auditor'];

export interface List<T> {
  object: 'list';
  data: T[];
}

export interface User {
  id: string;
  object: 'user';
  org_id: string;
  email: string;
  name: string;
  org_role: Role | null;
  status: 'active' | 'disabled';
  has_password: boolean;
  totp_enabled: boolean;
  sso: boolean;
  last_sign_in_at: string | null;
  created_at: string;
  memberships?: { team_id: string; role: Role }[];
}

export interface Org {
  id: string;
  object: 'organization';
  name: string;
  require_2fa: boolean;
  ip_allowlist: string[] | null;
  sso_enabled: boolean;
  created_at: string;
}

export interface Session {
  id: string;
  object: 'session';
  method: string;
  ip: string | null;
  user_agent: string | null;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  current: boolean;
}

export interface Me {
  object: 'me';
  via: 'key' | 'session';
  user: User | null;
  key: { id: string; name: string; prefix: string; kind: 'personal' | 'service'; team_id: string | null; role: Role | null } | null;
  org: Org;
  org_role: Role | null;
  memberships: { team_id: string; team_name: string | null; role: Role }[];
  two_factor: { enabled: boolean; required_by_org: boolean };
  csrf_token?: string;
  session?: Session;
}

export interface SignInResult {
  user: User;
  csrf_token: string;
  session: Session;
}

export interface Team {
  id: string;
  object: 'team';
  org_id: string;
  name: string;
  created_at: string;
}

export interface Member {
  object: 'membership';
  team_id: string;
  user_id: string;
  role: Role;
  created_at: string;
  user: { id: string; email: string; name: string; status: string; org_role: Role | null };
}

export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

export interface Invitation {
  id: string;
  object: 'invitation';
  org_id: string;
  team_id: string;
  email: string;
  role: Role;
  status: InvitationStatus;
  invited_by: string;
  created_at: string;
  expires_at: string;
  accepted_at: string | null;
  revoked_at: string | null;
}

/** With mail configured the link goes only to the address (no `url`); without, it is returned once. */
export interface InvitationCreated {
  invitation: Invitation;
  mailed: boolean;
  url?: string;
  token?: string;
}

export interface InvitationPreview {
  object: 'invitation_preview';
  org_name: string;
  team_name: string;
  email: string;
  role: Role;
  expires_at: string;
  account: 'new' | 'existing' | 'first_password';
}

export interface ApiKey {
  id: string;
  object: 'api_key';
  name: string;
  prefix: string;
  kind: 'personal' | 'service';
  org_id: string | null;
  team_id: string | null;
  user_id: string | null;
  role: Role | null;
  allowed_models: string[] | null;
  endpoints: string[] | null;
  ip_allowlist: string[] | null;
  created_at: string;
  last_used_at: string | null;
  last_used_ip: string | null;
  expires_at: string | null;
  revoked_at: string | null;
  rotated_at: string | null;
  previous_secret_expires_at: string | null;
}

/** A key with its secret, answered once by create and rotate. */
export interface ApiKeyWithSecret extends ApiKey {
  key: string;
}

export const ENDPOINT_SCOPES = ['chat.completions', 'responses', 'completions', 'embeddings', 'moderations', 'models', 'files', 'batches', 'api'] as const;

export type BudgetScope = 'key' | 'user' | 'team' | 'org';
export type BudgetPeriod = 'daily' | 'weekly' | 'monthly' | 'total';

export interface Budget {
  id: string;
  object: 'budget';
  name: string;
  scope: BudgetScope;
  scope_id: string;
  org_id: string | null;
  team_id: string | null;
  owner_user_id: string | null;
  period: BudgetPeriod;
  timezone: string;
  limit_usd: string;
  thresholds: number[];
  period_id: string;
  period_start: string | null;
  resets_at: string | null;
  spent_usd: string;
  reserved_usd: string;
  remaining_usd: string;
  projected_usd: string | null;
  unpriced_requests: number;
  created_at: string;
  updated_at: string;
}

export interface Alert {
  id: string;
  object: 'budget.alert' | string;
  budget_id?: string;
  kind: string;
  period_id?: string;
  threshold?: number;
  spent_usd?: string;
  limit_usd?: string;
  /** Unpriced-model alerts: the model. */
  subject?: string;
  created_at: string;
}

export interface TierPrice {
  input: string;
  cached_input: string | null;
  output: string;
}

export interface ModelPrice {
  object: 'model_price';
  model: string;
  priced_as?: string;
  source: 'catalog' | 'override' | string;
  effective_from: string;
  input: string;
  cached_input: string | null;
  cache_write?: string | null;
  output: string;
  audio_input?: string | null;
  audio_output?: string | null;
  image_input?: string | null;
  image_output?: string | null;
  batch: TierPrice | null;
  flex: TierPrice | null;
  priority: TierPrice | null;
  max_output_tokens: number | null;
  context_window: number | null;
  note: string | null;
  overrides?: PriceOverride[];
}

export interface PriceOverride {
  model: string;
  effective_from: string;
  input: string;
  output: string;
  cached_input?: string | null;
  note?: string | null;
  created_by?: string | null;
  created_at?: string;
}

export interface UsageRow {
  request_id: string;
  created_at: string;
  key_id: string | null;
  org_id?: string | null;
  team_id?: string | null;
  user_id?: string | null;
  endpoint: string;
  model_requested: string | null;
  model_served: string | null;
  status: number;
  stream: boolean;
  prompt_tokens: number;
  cached_tokens: number;
  completion_tokens: number;
  reasoning_tokens: number;
  latency_ms: number;
  error_code: string | null;
  service_tier: string | null;
  estimated: boolean;
  cost_usd: string | null;
}

export interface UsageTotals {
  requests: number;
  prompt_tokens: number;
  cached_tokens: number;
  completion_tokens: number;
  reasoning_tokens: number;
  unpriced_requests: number;
  cost_usd: string;
}

export interface UsageList extends List<UsageRow> {
  totals: UsageTotals;
  has_more: boolean;
}

export interface AuditEvent {
  id: string;
  object: 'audit_event';
  at: string;
  actor: string;
  action: string;
  target: string | null;
  before: unknown;
  after: unknown;
  details: unknown;
  request_id: string | null;
  ip: string | null;
}

export interface AuditPage extends List<AuditEvent> {
  has_more: boolean;
  next_after: string | null;
}

export interface SsoGroupRule {
  group: string;
  team_id: string;
  role: Role;
}

export interface SsoSettings {
  object: 'sso_settings';
  org_id: string;
  enabled: boolean;
  redirect_uri: string;
  issuer?: string;
  client_id?: string;
  client_secret_set?: boolean;
  scopes?: string[];
  groups_claim?: string;
  group_rules?: SsoGroupRule[];
  default_team_id?: string | null;
  default_role?: Role | null;
  allowed_email_domains?: string[] | null;
  jit?: boolean;
}

export interface SsoLookup {
  org_id: string;
  org_name: string;
  start_url: string;
}

export interface OrgCreated {
  org: Org;
  owner: User;
  invitation: Invitation;
  invitation_url?: string;
  mailed: boolean;
}

export interface PasswordResetIssued {
  object: 'password_reset';
  user_id: string;
  url?: string;
  expires_at: string;
  mailed: boolean;
}
