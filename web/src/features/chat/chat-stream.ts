import { api, unwrapResponse } from '../../api/http.ts';
import type { ChatEvent } from '../../api/workspace-types.ts';

/**
 * Reads a text/event-stream body (the workspace's streamed chat turn) and calls `onEvent` for each
 * event with its parsed JSON data. Resolves when the stream ends; rejects with AbortError on abort.
 */
export async function readEventStream(response: Response, onEvent: (e: ChatEvent) => void): Promise<void> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let sep: number;
    while ((sep = nextSeparator(buffer)) !== -1) {
      const raw = buffer.slice(0, sep);
      buffer = buffer.slice(sep).replace(/^(\r?\n){2}/, '');
      const e = parseEvent(raw);
      if (e) onEvent(e);
    }
  }
  const last = parseEvent(buffer);
  if (last) onEvent(last);
}

function nextSeparator(buffer: string): number {
  const a = buffer.indexOf('\n\n');
  const b = buffer.indexOf('\r\n\r\n');
  if (a === -1) return b;
  if (b === -1) return a;
  return Math.min(a, b);
}

function parseEvent(raw: string): ChatEvent | null {
  let event = 'message';
  const data: string[] = [];
  for (const line of raw.split(/\r?\n/)) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return null;
  try {
    return { event, data: JSON.parse(data.join('\n')) } as ChatEvent;
  } catch {
    return null;
  }
}

export interface TurnRequest {
  conversationId: string;
  content: string;
  parentId: string | null;
  model: string;
}

/** Starts a streamed chat turn (POST /api/conversations/:id/messages). */
export function postTurn(t: TurnRequest, signal: AbortSignal): Promise<Response> {
  return unwrapResponse(
    api.POST('/api/conversations/{id}/messages', {
      params: { path: { id: t.conversationId } },
      body: { content: t.content, parent_id: t.parentId, model: t.model, stream: true },
      headers: { accept: 'text/event-stream' },
      parseAs: 'stream',
      signal,
    }),
  );
}

/** Starts a streamed regeneration of an assistant reply (a new sibling of it). */
export function postRegenerate(conversationId: string, messageId: string, model: string, signal: AbortSignal): Promise<Response> {
  return unwrapResponse(
    api.POST('/api/conversations/{id}/messages/{messageId}/regenerate', {
      params: { path: { id: conversationId, messageId } },
      body: { model },
      headers: { accept: 'text/event-stream' },
      parseAs: 'stream',
      signal,
    }),
  );
}
