/**
 * Tables of the budgets part of metering (see migration 0003). Money is integer nano-dollars,
 * times are epoch milliseconds, JSON is stored as text so both dialects agree.
 */
export interface BudgetTables {
  budgets: BudgetTable;
  budget_spend: BudgetSpendTable;
  budget_alerts: BudgetAlertTable;
  audit_events: AuditEventTable;
}

export interface BudgetTable {
  /** `bud_…` */
  id: string;
  name: string;
  scope: 'key' | 'user' | 'team' | 'org';
  scope_id: string;
  period: 'daily' | 'weekly' | 'monthly' | 'total';
  /** IANA time zone that decides where a period starts, e.g. `Europe/Berlin`. */
  timezone: string;
  limit_nanos: number;
  /** JSON array of ascending percent integers, e.g. `[50,80,100]`. */
  thresholds: string;
  created_at: number;
  updated_at: number;
  /** Where the budget belongs, for permissions: its organization, team and (user scope) user. */
  org_id: string | null;
  team_id: string | null;
  owner_user_id: string | null;
  /** The role its creator held where the budget is (`owner`, `admin`); null: older budgets, read as `owner`. */
  creator_role: string | null;
}

/** Settled spend of one budget in one period (`d:2026-11-25`, `w:2026-W48`, `m:2026-11`, `total`). */
export interface BudgetSpendTable {
  budget_id: string;
  period_id: string;
  spent_nanos: number;
  /** Requests settled with an unknown cost (no price): charged nothing, counted here. */
  unpriced_requests: number;
  updated_at: number;
}

/** One alert; unique per (budget, period, kind, threshold), so it fires once per period across instances. */
export interface BudgetAlertTable {
  /** `alt_…` */
  id: string;
  budget_id: string;
  period_id: string;
  /** `threshold`: a soft threshold was crossed; `blocked`: the hard limit refused a request. */
  kind: 'threshold' | 'blocked';
  /** Percent of the limit; 100 for `blocked`. */
  threshold: number;
  spent_nanos: number;
  limit_nanos: number;
  created_at: number;
}

/** The audit log; tamper-evident through the chain columns (see src/compliance/audit). */
export interface AuditEventTable {
  /** `aud_…` */
  id: string;
  at: number;
  /** `system`, `admin`, or a principal id. */
  actor: string;
  /** Dotted verb, e.g. `budget.threshold_crossed`. */
  action: string;
  /** What the action concerns, e.g. a budget id. */
  target: string;
  /** JSON object. */
  details: string;
  org_id: string | null;
  /** JSON of the target before and after a change (secrets never included); null when not a change. */
  before: string | null;
  after: string | null;
  request_id: string | null;
  ip: string | null;
  /** Position in the audit chain; null until the chainer links the record (see compliance/audit). */
  seq?: number | null;
  /** Hash (hex) of the previous record in the chain. */
  prev_hash?: string | null;
  /** SHA-256 (hex) of this record's canonical encoding, its sequence and the previous hash. */
  hash?: string | null;
  /** JSON {field: digest} of fields removed by a recorded redaction; null: none. */
  redactions?: string | null;
}
