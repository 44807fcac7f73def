/** Tables of the gateway's files and batches pass-through (src/gateway/files; migration 0016). */
export interface FilesTables {
  upstream_files: UpstreamFileTable;
  upstream_batches: UpstreamBatchTable;
}

/** A file created at the upstream through Tollgate, and whose it is. */
export interface UpstreamFileTable {
  /** The upstream's id (`file-…`). */
  id: string;
  org_id: string;
  team_id: string | null;
  key_id: string;
  user_id: string | null;
  purpose: string;
  created_at: number;
  /** The upstream's File object as JSON. */
  object: string;
}

/** A batch created at the upstream through Tollgate, its last known state and its metering. */
export interface UpstreamBatchTable {
  /** The upstream's id (`batch_…`). */
  id: string;
  org_id: string;
  team_id: string | null;
  key_id: string;
  user_id: string | null;
  endpoint: string;
  input_file_id: string;
  created_at: number;
  status: string;
  /** The upstream's Batch object as last seen, as JSON. */
  object: string;
  /** `pending` (not finished or not metered), `metering` (claimed by one instance), `metered`, `none` (ended without output). */
  metering: string;
  /** When metering was claimed or finished. */
  metering_at: number | null;
  metered_lines: number;
  cost_nanos: number;
  /** The budget reservation holding the batch's worst case since admission (null: no budget applied). */
  reservation_id: string | null;
  reserved_nanos: number;
}
