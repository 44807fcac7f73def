import type { Generated } from 'kysely';
import type { AccessTables } from './schema-access.ts';
import type { BudgetTables } from './schema-budgets.ts';
import type { ComplianceTables } from './schema-compliance.ts';
import type { FilesTables } from './schema-files.ts';
import type { GuardTables } from './schema-guard.ts';
import type { PriceTables } from './schema-prices.ts';
import type { UpstreamTables } from './schema-upstream.ts';
import type { WorkspaceTables } from './schema-workspace.ts';

/** Tables of the Store. Times are epoch milliseconds; booleans are 0/1 so both dialects agree. */
export interface Database extends PriceTables, BudgetTables, AccessTables, WorkspaceTables, ComplianceTables, GuardTables, FilesTables, UpstreamTables {
  api_keys: ApiKeyTable;
  usage_records: UsageRecordTable;
  usage_daily: UsageDailyTable;
  admin_alerts: AdminAlertTable;
  gateway_instances: GatewayInstanceTable;
}

/** A running gateway instance on this store, kept alive by a heartbeat (0012; src/state/instances). */
export interface GatewayInstanceTable {
  id: string;
  host: string;
  pid: number;
  started_at: number;
  heartbeat_at: number;
  /** 1 when the instance counts limits and budgets on shared counters (Redis). */
  shared_counters: number;
}

/** An alert that belongs to no budget; unique per (kind, subject) so it fires once. */
export interface AdminAlertTable {
  id: string;
  /** e.g. `unpriced_model`. */
  kind: string;
  /** What it is about, e.g. the model id. */
  subject: string;
  /** JSON object. */
  details: string;
  created_at: number;
}

export interface ApiKeyTable {
  id: string;
  name: string;
  /** The first characters of the secret, safe to show. */
  prefix: string;
  /** sha256 of the secret, hex. */
  hash: string;
  owner: string | null;
  /** A service key's role in its team (`admin`, `member`, `viewer`); `member` for personal keys. Legacy rows: `admin`/`user`. */
  role: string;
  /** JSON array of model ids, or null for every model. */
  allowed_models: string | null;
  created_at: number;
  last_used_at: number | null;
  expires_at: number | null;
  revoked_at: number | null;
  org_id: string | null;
  /** A service key's team, or the team a personal key's spend counts to. */
  team_id: string | null;
  /** The user of a personal key; null for a service (team) key. */
  user_id: string | null;
  /** JSON array of endpoint scopes (`chat.completions`, `embeddings`, `api`, …); null: every endpoint. */
  endpoints: string | null;
  /** JSON array of CIDRs the key may be used from; null: anywhere (the org's allowlist still applies). */
  ip_allowlist: string | null;
  last_used_ip: string | null;
  /** The secret's hash before the last rotation; valid until previous_expires_at. */
  previous_hash: string | null;
  previous_expires_at: number | null;
  rotated_at: number | null;
  /** JSON `{requests_per_minute?, tokens_per_minute?, max_concurrent?}`; null: no limit of its own (0012). */
  rate_limits: string | null;
}

export interface UsageRecordTable {
  request_id: string;
  created_at: number;
  key_id: string | null;
  endpoint: string;
  model_requested: string | null;
  model_served: string | null;
  status: number;
  stream: Generated<number>;
  prompt_tokens: Generated<number>;
  cached_tokens: Generated<number>;
  completion_tokens: Generated<number>;
  reasoning_tokens: Generated<number>;
  latency_ms: number;
  upstream_request_id: string | null;
  error_code: string | null;
  audio_in_tokens: Generated<number>;
  audio_out_tokens: Generated<number>;
  service_tier: string | null;
  /** Integer nano-dollars; null when the model has no price (never silently 0). */
  cost_nanos: number | null;
  cost_input_nanos: Generated<number>;
  cost_cached_nanos: Generated<number>;
  cost_cache_write_nanos: Generated<number>;
  cost_output_nanos: Generated<number>;
  /** Part of cost_output_nanos, shown separately. */
  cost_reasoning_nanos: Generated<number>;
  cost_audio_nanos: Generated<number>;
  /** Standard-tier cost minus billed cost (negative for priority). */
  cost_tier_discount_nanos: Generated<number>;
  /** 1 when tokens were counted by Tollgate because the upstream gave no usage. */
  estimated: Generated<number>;
  /** `budget_id:period_id` pairs the request was charged to, comma-separated. */
  budget_periods: string | null;
  /** What the response cache did: `hit`, `miss`, `bypass`; null when it was not consulted. */
  cache_status: string | null;
  /** A cache hit's saving: what the answer cost when the upstream gave it (nano-dollars). */
  cache_saved_nanos: Generated<number>;
  /** Upstream attempts made (retries and fallbacks included); 0 when none was made. */
  attempts: Generated<number>;
  /** The deployment ids tried, in order, comma-separated; null without deployments. */
  deployments_tried: string | null;
  org_id: string | null;
  team_id: string | null;
  user_id: string | null;
}

/** One day (UTC) × key × model of usage; kept after raw rows are deleted. key_id '' = no key. */
export interface UsageDailyTable {
  day: string;
  key_id: string;
  model: string;
  requests: number;
  errors: number;
  prompt_tokens: number;
  cached_tokens: number;
  completion_tokens: number;
  reasoning_tokens: number;
  cost_nanos: number;
  unpriced_requests: number;
  estimated_requests: number;
}
