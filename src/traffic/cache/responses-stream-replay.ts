import { pieces } from './chat-stream-replay.ts';

interface OutputText {
  type: 'output_text';
  text: string;
  annotations?: unknown[];
  logprobs?: unknown[];
}

type OutputItem =
  | { type: 'message'; id: string; role: string; status?: string; content: (OutputText | { type: string; [k: string]: unknown })[] }
  | { type: 'function_call'; id: string; call_id: string; name: string; arguments: string; status?: string }
  | { type: string; id?: string; [k: string]: unknown };

/**
 * Replays a cached Responses API `response` as the event stream a streamed request would have
 * received: `response.created`, `response.in_progress`, then per output item `output_item.added`,
 * its content parts with `output_text.delta` pieces (or `function_call_arguments.delta` pieces),
 * `output_item.done`, and `response.completed`, numbered by `sequence_number`. Returns framed events.
 * @example for (const event of replayResponsesStream(hit.body)) write(event);
 */
export function replayResponsesStream(response: Record<string, unknown>, options: { chunkChars?: number } = {}): string[] {
  const size = options.chunkChars ?? 48;
  const output = (response.output ?? []) as OutputItem[];
  const events: string[] = [];
  let seq = 0;
  const emit = (type: string, payload: Record<string, unknown>) => events.push(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...payload })}\n\n`);

  const pending = { ...response, status: 'in_progress', output: [], usage: null };
  emit('response.created', { response: pending });
  emit('response.in_progress', { response: pending });
  output.forEach((item, outputIndex) => {
    if (item.type === 'message') {
      const m = item as Extract<OutputItem, { type: 'message' }>;
      emit('response.output_item.added', { output_index: outputIndex, item: { ...m, status: 'in_progress', content: [] } });
      m.content.forEach((part, contentIndex) => {
        const at = { item_id: m.id, output_index: outputIndex, content_index: contentIndex };
        if (part.type !== 'output_text') {
          emit('response.content_part.added', { ...at, part });
          emit('response.content_part.done', { ...at, part });
          return;
        }
        const text = (part as OutputText).text;
        emit('response.content_part.added', { ...at, part: { ...part, text: '', annotations: [] } });
        for (const delta of pieces(text, size)) emit('response.output_text.delta', { ...at, delta, logprobs: [] });
        emit('response.output_text.done', { ...at, text, logprobs: [] });
        emit('response.content_part.done', { ...at, part });
      });
      emit('response.output_item.done', { output_index: outputIndex, item });
    } else if (item.type === 'function_call') {
      const f = item as Extract<OutputItem, { type: 'function_call' }>;
      emit('response.output_item.added', { output_index: outputIndex, item: { ...f, arguments: '', status: 'in_progress' } });
      for (const delta of pieces(f.arguments, size)) emit('response.function_call_arguments.delta', { item_id: f.id, output_index: outputIndex, delta });
      emit('response.function_call_arguments.done', { item_id: f.id, output_index: outputIndex, name: f.name, arguments: f.arguments });
      emit('response.output_item.done', { output_index: outputIndex, item });
    } else {
      emit('response.output_item.added', { output_index: outputIndex, item });
      emit('response.output_item.done', { output_index: outputIndex, item });
    }
  });
  emit('response.completed', { response });
  return events;
}
