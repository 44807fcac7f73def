import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { errors, toTollgateError, type TollgateError } from '../../http/index.ts';
import { documentRoute } from '../../http/index.ts';
import { parseInput } from '../../http/index.ts';
import { RegenerateBody, TurnBody } from '../conversation-input.ts';
import type { ConversationRow, ConversationStore, MessageRow } from '../conversation-store.ts';
import { conversationView, messageView } from '../conversation-view.ts';
import { callerOf, ownConversation } from '../workspace-caller.ts';
import type { ChatRunner } from './chat-runner.ts';
import { runTurn, type TurnDeps, type TurnRequest, type TurnSink } from './chat-turn.ts';
import { SseStream } from './sse-stream.ts';

documentRoute('GET /api/conversations/:id/messages', { summary: 'Every message of the conversation\'s tree, in creation order (branches by parent_id).' });
documentRoute('POST /api/conversations/:id/messages', {
  summary: 'A chat turn: stores the message under parent_id, runs the model as you through the gateway and streams the reply (text/event-stream unless stream is false).',
  body: TurnBody,
});
documentRoute('POST /api/conversations/:id/messages/:messageId/regenerate', { summary: 'A new reply beside an assistant message (a sibling answering the same message), streamed as a turn.', body: RegenerateBody });

export interface MessageRouteDeps {
  conversations: ConversationStore;
  runner: ChatRunner;
  titleModel: string;
  log: Logger;
}

type ById = FastifyRequest<{ Params: { id: string } }>;
type ByMessage = FastifyRequest<{ Params: { id: string; messageId: string } }>;

/** The message tree of a conversation and the chat turns that grow it. */
export async function messageRoutes(app: FastifyInstance, deps: MessageRouteDeps): Promise<void> {
  const { conversations } = deps;

  app.get('/conversations/:id/messages', async (req: ById) => {
    const c = await ownConversation(conversations, callerOf(req), req.params.id, 'conversations.read');
    return { object: 'list', data: (await conversations.listMessages(c.id)).map(messageView), next_cursor: null };
  });

  app.post('/conversations/:id/messages', async (req: ById, reply) => {
    const b = parseInput(TurnBody, req.body);
    const caller = callerOf(req);
    const c = await ownConversation(conversations, caller, req.params.id, 'conversations.write');
    if (b.parent_id !== null && !(await conversations.getMessage(c.id, b.parent_id))) {
      throw errors.badRequest('invalid_parameter', `Invalid 'parent_id': this conversation has no message '${b.parent_id}'.`, 'parent_id');
    }
    const turn = { principal: caller, conversation: c, parentId: b.parent_id, userContent: b.content, model: b.model ?? c.model, maxTokens: b.max_tokens, temperature: b.temperature };
    return respond(req, reply, deps, turn, b.stream);
  });

  app.post('/conversations/:id/messages/:messageId/regenerate', async (req: ByMessage, reply) => {
    const b = parseInput(RegenerateBody, req.body);
    const caller = callerOf(req);
    const c = await ownConversation(conversations, caller, req.params.id, 'conversations.write');
    const m = await conversations.getMessage(c.id, req.params.messageId);
    if (!m) throw errors.notFound('message_not_found', `This conversation has no message '${req.params.messageId.slice(0, 100)}'.`, 'messageId');
    if (m.role !== 'assistant') throw errors.badRequest('invalid_parameter', 'Only a reply (an assistant message) can be regenerated; to change your message, post an edited one under its parent.', 'messageId');
    const turn = { principal: caller, conversation: c, parentId: m.parent_id, model: b.model ?? c.model, maxTokens: b.max_tokens, temperature: b.temperature };
    return respond(req, reply, deps, turn, b.stream);
  });
}

/** Runs the turn, answering with server-sent events or, without `stream`, one JSON body. */
async function respond(req: FastifyRequest, reply: FastifyReply, deps: MessageRouteDeps, turn: Omit<TurnRequest, 'signal'>, stream: boolean): Promise<unknown> {
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
