import { formatUsd } from '../metering/index.ts';
import type { ConversationRow, MessageRow } from './conversation-store.ts';

const iso = (ms: number) => new Date(Number(ms)).toISOString();

/** A conversation as the API shows it (ConversationSummary + current_leaf_id). Money is a decimal string. */
export function conversationView(c: ConversationRow) {
  return {
    id: c.id,
    object: 'conversation' as const,
    title: c.title,
    model: c.model,
    folder: c.folder,
    tags: JSON.parse(c.tags) as string[],
    pinned: c.pinned === 1,
    archived: c.archived === 1,
    temporary: c.temporary === 1,
    created_at: iso(c.created_at),
    updated_at: iso(c.updated_at),
    message_count: Number(c.message_count),
    cost_usd: formatUsd(Number(c.cost_nanos)),
    prompt_tokens: Number(c.prompt_tokens),
    completion_tokens: Number(c.completion_tokens),
    current_leaf_id: c.current_leaf_id,
  };
}

export type ConversationView = ReturnType<typeof conversationView>;

/** A message as the API shows it. */
export function messageView(m: MessageRow) {
  return {
    id: m.id,
    object: 'conversation.message' as const,
    conversation_id: m.conversation_id,
    parent_id: m.parent_id,
    role: m.role,
    content: m.content,
    model: m.model,
    status: m.status,
    error: m.error_code === null ? null : { code: m.error_code, message: m.error_message ?? '' },
    prompt_tokens: m.prompt_tokens,
    completion_tokens: m.completion_tokens,
    cost_usd: m.cost_nanos === null ? null : formatUsd(Number(m.cost_nanos)),
    latency_ms: m.latency_ms,
    request_id: m.request_id,
    created_at: iso(m.created_at),
  };
}

export type MessageView = ReturnType<typeof messageView>;
