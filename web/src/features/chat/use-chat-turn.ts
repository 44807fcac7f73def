import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { ApiError } from '../../api/api-error.ts';
import { budgetKeys, conversationKeys, usageKeys } from '../../api/query-keys.ts';
import type { List } from '../../api/types.ts';
import { createConversation, updateConversation } from '../../api/workspace.ts';
import type { ChatEvent, Message } from '../../api/workspace-types.ts';
import { useWorkspace } from '../workspace/workspace-context.tsx';
import { BEFORE_FIRST } from './message-tree.ts';
import { postRegenerate, postTurn, readEventStream } from './chat-stream.ts';

/** A turn in flight: what the person sent and what has arrived of the reply. */
export interface StreamingTurn {
  /** The user's text until the server has stored it (message.created). */
  pendingUser: string | null;
  assistantId: string | null;
  text: string;
  model: string;
}

/** What went wrong with the last turn, and after which message it happened. */
export interface TurnError {
  error: unknown;
  afterId: string | null;
}

/**
 * Sends chat turns (new message, edit, regenerate) and follows their event stream: the stored user
 * message, the reply as it arrives (drawn once per frame), the completed reply with its usage and
 * cost. Messages go straight into the query cache, so nothing is refetched; costs, budgets and
 * today's spend are refreshed when the turn ends. Stop aborts the request (the server keeps what
 * was streamed, marked stopped).
 */
export function useChatTurn() {
  // Read through a ref: the callbacks stay the same across renders, so the thread's memoized
  // messages do not redraw on every streamed frame.
  const wsNow = useWorkspace();
  const wsRef = useRef(wsNow);
  wsRef.current = wsNow;
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [streaming, setStreaming] = useState<StreamingTurn | null>(null);
  const [turnError, setTurnError] = useState<TurnError | null>(null);
  const abort = useRef<AbortController | null>(null);
  const textRef = useRef('');
  const frame = useRef(0);

  const addMessage = useCallback(
    (conversationId: string, m: Message) => {
      qc.setQueryData<List<Message>>(conversationKeys.messages(conversationId), (old) => {
        const data = old?.data ?? [];
        return { object: 'list', data: data.some((x) => x.id === m.id) ? data.map((x) => (x.id === m.id ? m : x)) : [...data, m] };
      });
    },
    [qc],
  );

  const run = useCallback(
    async (conversationId: string, start: (signal: AbortSignal) => Promise<Response>, turn: { pendingUser: string | null; showAfter: string | null }) => {
      const controller = new AbortController();
      abort.current = controller;
      textRef.current = '';
      setTurnError(null);
      wsRef.current.setLeaf(conversationId, turn.showAfter ?? BEFORE_FIRST);
      setStreaming({ pendingUser: turn.pendingUser, assistantId: null, text: '', model: wsRef.current.model });
      let lastId: string | null = turn.showAfter;
      try {
        const response = await start(controller.signal);
        await readEventStream(response, (e: ChatEvent) => {
          if (e.event === 'message.created') {
            addMessage(conversationId, e.data.message);
            wsRef.current.setLeaf(conversationId, e.data.message.id);
            lastId = e.data.message.id;
            setStreaming((s) => s && { ...s, pendingUser: null });
          } else if (e.event === 'message.delta') {
            textRef.current += e.data.delta;
            const id = e.data.id;
            if (!frame.current) {
              frame.current = requestAnimationFrame(() => {
                frame.current = 0;
                setStreaming((s) => s && { ...s, assistantId: id, text: textRef.current });
              });
            }
          } else if (e.event === 'message.completed') {
            addMessage(conversationId, e.data.message);
            wsRef.current.setLeaf(conversationId, e.data.message.id);
            lastId = e.data.message.id;
          } else if (e.event === 'conversation.updated') {
            qc.setQueryData(conversationKeys.detail(conversationId), e.data.conversation);
          } else if (e.event === 'error') {
            const err = e.data.error;
            if (e.data.message) {
              // The reply is stored with status "error": it shows in the thread, with Regenerate.
              addMessage(conversationId, e.data.message);
              wsRef.current.setLeaf(conversationId, e.data.message.id);
              lastId = e.data.message.id;
            } else {
              setTurnError({ error: new ApiError(400, err.code, err.message, err.param, err.type), afterId: lastId });
            }
          }
        });
      } catch (err) {
        if ((err as Error).name === 'AbortError') {
          // The server stored the stopped reply; show it as stored.
          await qc.invalidateQueries({ queryKey: conversationKeys.messages(conversationId) });
          wsRef.current.setLeaf(conversationId, null);
        } else {
          setTurnError({ error: err, afterId: lastId });
          // Refused before anything was stored (bad input, no permission): give the text back.
          const pending = turn.pendingUser;
          if (pending !== null && lastId === turn.showAfter) wsRef.current.setDraft((d) => d || pending);
        }
      } finally {
        cancelAnimationFrame(frame.current);
        frame.current = 0;
        abort.current = null;
        setStreaming(null);
        void qc.invalidateQueries({ queryKey: conversationKeys.detail(conversationId) });
        void qc.invalidateQueries({ queryKey: conversationKeys.lists() });
        void qc.invalidateQueries({ queryKey: budgetKeys.all });
        void qc.invalidateQueries({ queryKey: usageKeys.all });
        // The title is written by a cheap model after the first exchange: look again shortly.
        setTimeout(() => void qc.invalidateQueries({ queryKey: conversationKeys.lists() }), 4000);
      }
    },
    [qc, addMessage],
  );

  /** Sends the draft after the shown branch, creating the conversation first when none is open. */
  const send = useCallback(
    async (content: string) => {
      let id = wsRef.current.conversationId;
      if (!id) {
        try {
          const created = await createConversation({ model: wsRef.current.model });
          id = created.id;
          qc.setQueryData(conversationKeys.detail(id), created);
          qc.setQueryData<List<Message>>(conversationKeys.messages(id), { object: 'list', data: [] });
          navigate(`/c/${id}`);
        } catch (err) {
          setTurnError({ error: err, afterId: null });
          return false;
        }
      } else if (wsRef.current.conversation && wsRef.current.conversation.model !== wsRef.current.model) {
        void updateConversation(id, { model: wsRef.current.model }).catch(() => undefined);
      }
      const parentId = wsRef.current.branch.at(-1)?.id ?? null;
      const conversationId = id;
      void run(conversationId, (signal) => postTurn({ conversationId, content, parentId, model: wsRef.current.model }, signal), { pendingUser: content, showAfter: parentId });
      return true;
    },
    [qc, navigate, run],
  );

  /** Sends an edited copy of a user message as its sibling: a new branch. */
  const edit = useCallback(
    (message: Message, content: string) => {
      const conversationId = wsRef.current.conversationId;
      if (!conversationId) return;
      void run(conversationId, (signal) => postTurn({ conversationId, content, parentId: message.parent_id, model: wsRef.current.model }, signal), {
        pendingUser: content,
        showAfter: message.parent_id,
      });
    },
    [run],
  );

  /** Asks for another reply to the same message: a new assistant sibling. */
  const regenerate = useCallback(
    (message: Message) => {
      const conversationId = wsRef.current.conversationId;
      if (!conversationId) return;
      void run(conversationId, (signal) => postRegenerate(conversationId, message.id, wsRef.current.model, signal), { pendingUser: null, showAfter: message.parent_id });
    },
    [run],
  );

  const stop = useCallback(() => abort.current?.abort(), []);

  return { streaming, turnError, dismissError: () => setTurnError(null), send, edit, regenerate, stop };
}
