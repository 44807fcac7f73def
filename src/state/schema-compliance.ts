/**
 * Tables of compliance (see migration 0010): the audit chain's head and signed checkpoints, and the
 * wrapped data keys of envelope encryption. The chain's own columns live on `audit_events`.
 */
export interface ComplianceTables {
  audit_chain_head: AuditChainHeadTable;
  audit_checkpoints: AuditCheckpointTable;
  data_keys: DataKeyTable;
  retention_policies: RetentionPolicyTable;
  team_retention_policies: TeamRetentionPolicyTable;
}

/** The single row (id 1) holding the chain head; chainers update it first, so it is their lock. */
export interface AuditChainHeadTable {
  id: number;
  /** Sequence number of the last linked record; 0 before the first. */
  seq: number;
  /** Hash (hex) of the last linked record; 64 zeros before the first. */
  hash: string;
  updated_at: number;
}

/** A signed statement "the record at `seq` has hash `hash`", so a truncated chain is detected. */
export interface AuditCheckpointTable {
  seq: number;
  hash: string;
  at: number;
  /** Which Ed25519 key signed (first 16 hex digits of SHA-256 over its raw public key). */
  key_id: string;
  /** Ed25519 signature, base64. */
  signature: string;
}

/** A data key of an organization (`org:<id>`) or a user (`user:<id>`), wrapped by the master key. */
export interface DataKeyTable {
  /** `dk_…` */
  id: string;
  owner: string;
  org_id: string;
  user_id: string | null;
  /** AES-256-GCM of the key under the master key (versioned text); null once destroyed. */
  wrapped: string | null;
  /** Which master key wrapped it; null once destroyed. */
  master_key_id: string | null;
  created_at: number;
  /** Set when the key was crypto-shredded: whatever it encrypted is unreadable from then on. */
  destroyed_at: number | null;
}

/** How long an organization keeps its data (migration 0015); null: forever. */
export interface RetentionPolicyTable {
  org_id: string;
  /** Conversations without activity for this many days are deleted. */
  conversations_days: number | null;
  /** Raw ledger rows (usage_records) older than this are deleted (daily roll-ups stay). */
  ledger_days: number | null;
  /** Audit records older than this are deleted, up to a signed checkpoint (see docs/compliance.md). */
  audit_days: number | null;
  updated_at: number;
  /** When the purge last ran for this organization. */
  last_purge_at: number | null;
}

/**
 * How long a team keeps its data when that is shorter than its organization's (migration 0019);
 * null: the organization's period. The shortest period that applies wins.
 */
export interface TeamRetentionPolicyTable {
  team_id: string;
  org_id: string;
  /** Conversations of the team's members without activity for this many days are deleted. */
  conversations_days: number | null;
  /** The team's raw ledger rows older than this are deleted. */
  ledger_days: number | null;
  updated_at: number;
}
