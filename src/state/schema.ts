import type { Generated } from 'kysely';
import type { BudgetTables } from './schema-budgets.ts';
import type { PriceTables } from './schema-prices.ts';

/** Tables of the Store. Times are epoch milliseconds; booleans are 0/1 so both dialects agree. */
export interface Database extends PriceTables, BudgetTables {
  api_keys: ApiKeyTable;
  usage_records: UsageRecordTable;
}

export interface ApiKeyTable {
  id: string;
  name: string;
  /** The first characters of the secret, safe to show. */
  prefix: string;
  /** sha256 of the secret, hex. */
  hash: string;
  owner: string | null;
  role: 'admin' | 'user';
  /** JSON array of model ids, or null for every model. */
  allowed_models: string | null;
  created_at: number;
  last_used_at: number | null;
  expires_at: number | null;
  revoked_at: number | null;
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
}
