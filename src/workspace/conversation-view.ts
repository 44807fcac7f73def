import { z } from 'zod';
import { formatUsd, UsdAmount } from '../metering/index.ts';
import type { ConversationRow, MessageRow } from './conversation-store.ts';

const iso = (ms: number) => new Date(Number(ms)).toISOString();

/** A conversation as the API shows it (ConversationSummary + current_leaf_id). Money is a decimal string. */
export const ConversationView = z.object({
  id: z.string(),
  object: z.literal('conversation'),
  title: z.string(),
  model: z.string(),
  folder: z.string().nullable(),
  tags: z.array(z.string()),
  pinned: z.boolean(),
  archived: z.boolean(),
  temporary: z.boolean(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
  message_count: z.number().int().min(0),
  cost_usd: UsdAmount,
  prompt_tokens: z.number().int().min(0),
  completion_tokens: z.number().int().min(0),
  current_leaf_id: z.string().nullable(),
});
export type ConversationView = z.output<typeof ConversationView>;

export function conversationView(c: ConversationRow): ConversationView {
  return {
    id: c.id,
    object: 'conversation',
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

export const MessageRole = z.enum(['user', 'assistant', 'system']);
/** `complete`; `error` (the model call failed: see `error`); `stopped` (the client went away: what arrived is kept). */
export const MessageStatus = z.enum(['complete', 'error', 'stopped']);

/** A message as the API shows it. */
export const MessageView = z.object({
  id: z.string(),
  object: z.literal('conversation.message'),
  conversation_id: z.string(),
  parent_id: z.string().nullable(),
  role: MessageRole,
  content: z.string(),
  model: z.string().nullable(),
  status: MessageStatus,
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  prompt_tokens: z.number().int().min(0).nullable(),
  completion_tokens: z.number().int().min(0).nullable(),
  cost_usd: UsdAmount.nullable(),
  latency_ms: z.number().int().min(0).nullable(),
  request_id: z.string().nullable(),
  created_at: z.iso.datetime(),
});
export type MessageView = z.output<typeof MessageView>;

export function messageView(m: MessageRow): MessageView {
  return {
    id: m.id,
    object: 'conversation.message',
    conversation_id: m.conversation_id,
    parent_id: m.parent_id,
    role: m.role,
    content: m.content,
    model: m.model,
    status: m.status,
    error: m.error_code === null ? null : { code: m.error_code, message: m.error_message ?? '' },
    prompt_tokens: m.prompt_tokens === null ? null : Number(m.prompt_tokens),
    completion_tokens: m.completion_tokens === null ? null : Number(m.completion_tokens),
    cost_usd: m.cost_nanos === null ? null : formatUsd(Number(m.cost_nanos)),
    latency_ms: m.latency_ms === null ? null : Number(m.latency_ms),
    request_id: m.request_id,
    created_at: iso(m.created_at),
  };
}
