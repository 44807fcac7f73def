import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { fail, toTollgateError, type TollgateError } from '../../errors/index.ts';
import { defineRoute, type AnyRoute } from '../../http/routes/index.ts';
import { IdPath, MessagePath, RegenerateBody, TurnBody } from '../conversation-input.ts';
import type { ConversationRow, ConversationStore, MessageRow } from '../conversation-store.ts';
import { ConversationView, conversationView, MessageView, messageView } from '../conversation-view.ts';
import { callerOf, ownConversation } from '../workspace-caller.ts';
import type { ChatRunner } from './chat-runner.ts';
import { runTurn, type TurnDeps, type TurnRequest, type TurnSink } from './chat-turn.ts';
import { SseStream } from './sse-stream.ts';

export interface MessageRouteDeps {
  conversations: ConversationStore;
  runner: ChatRunner;
  titleModel: string;
  log: Logger;
}

const MessageList = z.object({ object: z.literal('list'), data: z.array(MessageView), next_cursor: z.null() });

/**
 * A turn answered with `stream: false`: the stored messages and the conversation after it. A turn
 * whose model call failed is answered with the error instead (its reply is stored with status `error`).
 */
const TurnResult = z.object({
  user_message: MessageView.nullable(),
  assistant_message: MessageView.nullable(),
  conversation: ConversationView.nullable(),
});
type TurnResult = z.output<typeof TurnResult>;

const TURN_EVENTS =
  'Server-sent events: message.created (your message), message.delta (text as it arrives), message.completed (the stored reply), ' +
  'conversation.updated, or error (with the stored reply); with stream: false one JSON body instead.';

/** The message tree of a conversation and the chat turns that grow it. */
export function messageRoutes(deps: MessageRouteDeps): AnyRoute[] {
  const { conversations } = deps;
  return [
    defineRoute({
      method: 'GET',
      path: '/api/conversations/:id/messages',
      permission: 'conversations.read',
      summary: "Every message of the conversation's tree, in creation order (branches by parent_id).",
      params: IdPath,
      response: MessageList,
      handler: async ({ params, req }) => {
        const c = await ownConversation(conversations, callerOf(req), params.id, 'conversations.read');
        return { object: 'list' as const, data: (await conversations.listMessages(c.id)).map(messageView), next_cursor: null };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/conversations/:id/messages',
      permission: 'conversations.write',
      summary: `A chat turn: stores the message under parent_id, runs the model as you through the gateway and streams the reply. ${TURN_EVENTS}`,
      params: IdPath,
      body: TurnBody,
      response: TurnResult,
      produces: 'text/event-stream',
      handler: async ({ params, body: b, req, reply }) => {
        const caller = callerOf(req);
        const c = await ownConversation(conversations, caller, params.id, 'conversations.write');
        if (b.parent_id !== null && !(await conversations.getMessage(c.id, b.parent_id))) {
          throw fail('invalid_parameter', { param: 'parent_id', reason: `this conversation has no message '${b.parent_id}'` });
        }
        const turn = { principal: caller, conversation: c, parentId: b.parent_id, userContent: b.content, model: b.model ?? c.model, maxTokens: b.max_tokens, temperature: b.temperature };
        return respond(req, reply, deps, turn, b.stream);
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/conversations/:id/messages/:messageId/regenerate',
      permission: 'conversations.write',
      summary: `A new reply beside an assistant message (a sibling answering the same message), streamed as a turn. ${TURN_EVENTS}`,
      params: MessagePath,
      body: RegenerateBody,
      response: TurnResult,
      produces: 'text/event-stream',
      handler: async ({ params, body: b, req, reply }) => {
        const caller = callerOf(req);
        const c = await ownConversation(conversations, caller, params.id, 'conversations.write');
        const m = await conversations.getMessage(c.id, params.messageId);
        if (!m) throw fail('message_not_found', { id: params.messageId });
        if (m.role !== 'assistant') {
          throw fail('invalid_parameter', { param: 'messageId', reason: 'only a reply (an assistant message) can be regenerated; to change your message, post an edited one under its parent' });
        }
        const turn = { principal: caller, conversation: c, parentId: m.parent_id, model: b.model ?? c.model, maxTokens: b.max_tokens, temperature: b.temperature };
        return respond(req, reply, deps, turn, b.stream);
      },
    }),
  ];
}

/** Runs the turn, answering with server-sent events or, without `stream`, one JSON body. */
async function respond(req: FastifyRequest, reply: FastifyReply, deps: MessageRouteDeps, turn: Omit<TurnRequest, 'signal'>, stream: boolean): Promise<TurnResult | FastifyReply> {
  const abort = new AbortController();
  const onClose = () => {
    if (!reply.raw.writableFinished) abort.abort();
  };
  reply.raw.once('close', onClose);
  const turnDeps: TurnDeps = { conversations: deps.conversations, runner: deps.runner, titleModel: deps.titleModel, log: req.log as Logger };
  try {
    if (stream) {
      reply.hijack();
      const sse = new SseStream(reply.raw);
      sse.open(req.id);
      try {
        await runTurn(turnDeps, { ...turn, signal: abort.signal }, sseSink(sse));
      } catch (err) {
        const e = toTollgateError(err);
        if (e.status >= 500) req.log.error({ err }, 'workspace turn failed');
        await sse.send('error', e.toBody());
      }
      sse.end();
      return reply;
    }
    const collected = collector();
    await runTurn(turnDeps, { ...turn, signal: abort.signal }, collected.sink);
    if (collected.error) throw collected.error;
    return {
      user_message: collected.user ? messageView(collected.user) : null,
      assistant_message: collected.assistant ? messageView(collected.assistant) : null,
      conversation: collected.conversation ? conversationView(collected.conversation) : null,
    };
  } finally {
    reply.raw.off('close', onClose);
  }
}

function sseSink(sse: SseStream): TurnSink {
  return {
    userMessage: (m) => sse.send('message.created', { message: messageView(m) }),
    delta: (id, delta) => sse.send('message.delta', { id, delta }),
    assistantMessage: (m) => sse.send('message.completed', { message: messageView(m) }),
    failed: (e, m) => sse.send('error', { ...e.toBody(), message: m ? messageView(m) : null }),
    conversation: (c) => sse.send('conversation.updated', { conversation: conversationView(c) }),
  };
}

function collector() {
  const out: { user?: MessageRow; assistant?: MessageRow; conversation?: ConversationRow; error?: TollgateError; sink: TurnSink } = {
    sink: {
      userMessage: async (m) => void (out.user = m),
      delta: async () => {},
      assistantMessage: async (m) => void (out.assistant = m),
      failed: async (e, m) => {
        out.error = e;
        if (m) out.assistant = m;
      },
      conversation: async (c) => void (out.conversation = c),
    },
  };
  return out;
}
