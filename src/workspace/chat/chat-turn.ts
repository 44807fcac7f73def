import type { Logger } from 'pino';
import { toTollgateError, type TollgateError } from '../../errors/index.ts';
import { newWorkspaceId, type ConversationRow, type ConversationStore, type MessageRow } from '../conversation-store.ts';
import type { ChatPrincipal, ChatRunEnd, ChatRunMessage, ChatRunner } from './chat-runner.ts';
import { generateTitle } from './title-generator.ts';

/** Where a turn reports what happens, as it happens (the SSE stream, or a collector for JSON). */
export interface TurnSink {
  userMessage(m: MessageRow): Promise<void>;
  delta(assistantId: string, text: string): Promise<void>;
  assistantMessage(m: MessageRow): Promise<void>;
  failed(error: TollgateError, assistant: MessageRow | undefined): Promise<void>;
  conversation(c: ConversationRow): Promise<void>;
}

export interface TurnDeps {
  conversations: ConversationStore;
  runner: ChatRunner;
  titleModel: string;
  log: Logger;
}

export interface TurnRequest {
  principal: ChatPrincipal;
  conversation: ConversationRow;
  /** The message the reply answers (for a new user message: its parent; null = a new root). */
  parentId: string | null;
  /** A new user message, stored under parentId first; absent when regenerating a reply. */
  userContent?: string | undefined;
  model: string;
  maxTokens?: number | undefined;
  temperature?: number | undefined;
  /** Aborted when the client goes away: the reply is stored as `stopped` with what arrived. */
  signal: AbortSignal;
}

/**
 * One chat turn: stores the user message (unless regenerating), runs the model on the branch that
 * leads to it, streams the reply to the sink, stores the reply with its status, tokens, cost and
 * ledger request id, adds them to the conversation's totals, and names the conversation after its
 * first exchange. Every stored message becomes the conversation's current leaf.
 */
export async function runTurn(deps: TurnDeps, t: TurnRequest, sink: TurnSink): Promise<void> {
  const { conversations } = deps;
  const branch = t.parentId === null ? [] : await conversations.branch(t.conversation.id, t.parentId);
  const history: ChatRunMessage[] = branch.filter(counts).map((m) => ({ role: m.role, content: m.content }));
  let parentId = t.parentId;
  let question = [...branch].reverse().find((m) => m.role === 'user')?.content ?? '';
  if (t.userContent !== undefined) {
    const user = await conversations.appendMessage(t.conversation, {
      ...blank(newWorkspaceId('msg'), parentId, 'user', t.userContent),
      status: 'complete',
    });
    await sink.userMessage(user);
    history.push({ role: 'user', content: t.userContent });
    parentId = user.id;
    question = t.userContent;
  }

  const assistantId = newWorkspaceId('msg');
  let content = '';
  let end: ChatRunEnd | undefined;
  try {
    for await (const e of deps.runner.run({
      principal: t.principal,
      conversationId: t.conversation.id,
      model: t.model,
      messages: history,
      maxTokens: t.maxTokens,
      temperature: t.temperature,
      signal: t.signal,
    })) {
      if (e.type === 'delta') {
        content += e.text;
        await sink.delta(assistantId, e.text);
      } else end = e;
    }
  } catch (err) {
    deps.log.error({ err, conversation: t.conversation.id }, 'workspace turn: the chat runner failed');
    end = { type: 'end', outcome: 'error', error: toTollgateError(err), requestId: null, model: null, promptTokens: null, completionTokens: null, costNanos: null, latencyMs: 0 };
  }
  end ??= { type: 'end', outcome: t.signal.aborted ? 'stopped' : 'complete', requestId: null, model: null, promptTokens: null, completionTokens: null, costNanos: null, latencyMs: 0 };

  const assistant = await conversations.appendMessage(
    t.conversation,
    {
      ...blank(assistantId, parentId, 'assistant', content),
      model: end.model ?? t.model,
      status: end.outcome,
      error_code: end.error?.code ?? null,
      error_message: end.error?.message ?? null,
      prompt_tokens: end.promptTokens,
      completion_tokens: end.completionTokens,
      cost_nanos: end.costNanos,
      latency_ms: end.latencyMs,
      request_id: end.requestId,
    },
    { promptTokens: end.promptTokens ?? 0, completionTokens: end.completionTokens ?? 0, costNanos: end.costNanos },
  );
  if (end.outcome === 'error') await sink.failed(end.error!, assistant);
  else await sink.assistantMessage(assistant);

  if (end.outcome === 'complete' && t.conversation.title_source === 'default') {
    await nameConversation(deps, t, question, content);
  }
  const after = await conversations.get(t.conversation.id);
  if (after) await sink.conversation(after);
}

/** Names the conversation after its first exchange; a failure leaves the default title and is logged. */
async function nameConversation(deps: TurnDeps, t: TurnRequest, question: string, answer: string): Promise<void> {
  try {
    const { title, end } = await generateTitle(deps.runner, { principal: t.principal, conversationId: t.conversation.id, model: deps.titleModel, question, answer });
    await deps.conversations.setGeneratedTitle(t.conversation, title, end?.requestId ?? null, {
      promptTokens: end?.promptTokens ?? 0,
      completionTokens: end?.completionTokens ?? 0,
      costNanos: end?.costNanos ?? null,
    });
  } catch (err) {
    deps.log.warn({ err, conversation: t.conversation.id }, 'workspace turn: the conversation could not be named');
  }
}

/** Whether a stored message is part of what the model sees: not failed replies without text. */
function counts(m: MessageRow): boolean {
  return !(m.role === 'assistant' && m.status === 'error' && m.content.length === 0);
}

function blank(id: string, parentId: string | null, role: MessageRow['role'], content: string) {
  return {
    id,
    parent_id: parentId,
    role,
    content,
    model: null,
    status: 'complete' as MessageRow['status'],
    error_code: null,
    error_message: null,
    prompt_tokens: null,
    completion_tokens: null,
    cost_nanos: null,
    latency_ms: null,
    request_id: null,
  };
}
