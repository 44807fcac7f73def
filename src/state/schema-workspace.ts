import type { Generated } from 'kysely';

/**
 * Tables of the workspace (see migration 0009): conversations, their messages as a tree, templates
 * and share links. Times are epoch milliseconds, money integer nano-dollars, booleans 0/1, JSON text.
 * `num` is an integer key that never changes (SQLite's full-text index refers to rows by it).
 */
export interface WorkspaceTables {
  conversations: ConversationTable;
  conversation_messages: ConversationMessageTable;
  templates: TemplateTable;
  conversation_shares: ConversationShareTable;
}

export interface ConversationTable {
  num: Generated<number>;
  /** `conv_…` */
  id: string;
  org_id: string;
  /** The owner: the only person who reaches it. */
  user_id: string;
  title: string;
  /** `default` (not named yet), `generated` (after the first exchange) or `user`. */
  title_source: string;
  /** The ledger row of the title generation, when there was one. */
  title_request_id: string | null;
  model: string;
  folder: string | null;
  /** JSON array of strings. */
  tags: string;
  pinned: number;
  archived: number;
  temporary: number;
  current_leaf_id: string | null;
  message_count: number;
  prompt_tokens: number;
  completion_tokens: number;
  /** Sum of the known costs of its requests (turns and title generation). */
  cost_nanos: number;
  created_at: number;
  /** Last activity. */
  updated_at: number;
}

export interface ConversationMessageTable {
  num: Generated<number>;
  /** `msg_…` */
  id: string;
  conversation_id: string;
  /** null: a root of the tree. */
  parent_id: string | null;
  /** Creation order within the conversation (1, 2, …). */
  seq: number;
  role: 'user' | 'assistant' | 'system';
  content: string;
  model: string | null;
  status: 'complete' | 'error' | 'stopped';
  error_code: string | null;
  error_message: string | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  cost_nanos: number | null;
  latency_ms: number | null;
  /** The ledger row (usage_records.request_id) of the model call that produced it. */
  request_id: string | null;
  created_at: number;
}

export interface TemplateTable {
  /** `tpl_…` */
  id: string;
  org_id: string;
  /** Who made it; for a personal template, its owner. */
  user_id: string;
  /** null: personal; else the team it is shared with. */
  team_id: string | null;
  name: string;
  category: 'business' | 'technical' | 'creative';
  content: string;
  /** JSON array of variable definitions. */
  variables: string;
  created_at: number;
  updated_at: number;
}

export interface ConversationShareTable {
  /** `shr_…` */
  id: string;
  conversation_id: string;
  org_id: string;
  user_id: string;
  /** SHA-256 of the link's token, hex; the token itself is shown once. */
  token_hash: string;
  /** The branch shared ends here. */
  leaf_message_id: string;
  created_at: number;
  revoked_at: number | null;
}
