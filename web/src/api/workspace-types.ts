/**
 * What the workspace API answers (docs/workspace.md; agreed in the conversations contract). Its
 * requests are typed by the generated schema like every route; these are its answers.
 */

export interface ConversationSummary {
  id: string;
  object: 'conversation';
  title: string | null;
  model: string;
  folder: string | null;
  tags: string[];
  pinned: boolean;
  archived: boolean;
  temporary: boolean;
  created_at: string;
  updated_at: string;
  message_count: number;
  cost_usd: string;
  prompt_tokens: number;
  completion_tokens: number;
}

export interface Conversation extends ConversationSummary {
  current_leaf_id: string | null;
}

export interface CursorList<T> {
  object: 'list';
  data: T[];
  next_cursor: string | null;
}

export type MessageStatus = 'complete' | 'error' | 'stopped';

export interface Message {
  id: string;
  object: 'conversation.message';
  conversation_id: string;
  parent_id: string | null;
  role: 'user' | 'assistant' | 'system';
  content: string;
  model: string | null;
  status: MessageStatus;
  error: { code: string; message: string } | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  cost_usd: string | null;
  latency_ms: number | null;
  request_id: string | null;
  created_at: string;
}

export interface SearchHit {
  conversation_id: string;
  title: string | null;
  message_id: string | null;
  snippet: string;
  updated_at: string;
}

export interface Folder {
  name: string;
  count: number;
}

export interface EstimateBudget {
  limit_usd: string;
  spent_usd: string;
  remaining_usd: string;
  period: string;
  resets_at: string | null;
}

export interface Estimate {
  object: 'conversation.estimate';
  model: string;
  prompt_tokens: number;
  expected_completion_tokens: number;
  /** Null for a model without a price. */
  cost_usd: string | null;
  context_window: number | null;
  max_output_tokens: number | null;
  capabilities: string[];
  budget: (EstimateBudget & { id: string; scope: string }) | null;
}

export interface CatalogModel {
  id: string;
  input_usd_per_1m: string;
  output_usd_per_1m: string;
  cached_input_usd_per_1m: string | null;
  context_window: number;
  max_output_tokens: number;
  capabilities: string[];
}

export type TemplateCategory = 'business' | 'technical' | 'creative';
export const TEMPLATE_CATEGORIES: readonly TemplateCategory[] = ['business', 'technical', 'creative'];

export interface TemplateVariable {
  name: string;
  type: 'text' | 'select' | 'number';
  options?: string[];
  default?: string | number;
  required: boolean;
}

export interface Template {
  id: string;
  object: 'template';
  name: string;
  category: TemplateCategory;
  content: string;
  variables: TemplateVariable[];
  scope: 'personal' | 'team';
  team_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface Share {
  id: string;
  object: 'share';
  conversation_id: string;
  leaf_message_id: string;
  /** Shown once, when the link is made; null in lists. */
  url: string | null;
  token: string | null;
  created_at: string;
  revoked_at: string | null;
}

/** What a share link shows: no ids, no costs, nobody's name. */
export interface SharedConversation {
  object: 'shared_conversation';
  title: string | null;
  model: string;
  shared_at: string;
  messages: { role: Message['role']; content: string; model: string | null; status: MessageStatus; created_at: string }[];
}

/** Events of a streamed chat turn (text/event-stream). */
export type ChatEvent =
  | { event: 'message.created'; data: { message: Message } }
  | { event: 'message.delta'; data: { id: string; delta: string } }
  | { event: 'message.completed'; data: { message: Message } }
  | { event: 'conversation.updated'; data: { conversation: Conversation } }
  /** `message`: the stored assistant reply with status "error", when there is one. */
  | { event: 'error'; data: { error: { message: string; type: string; param: string | null; code: string | null }; message?: Message | null } };
