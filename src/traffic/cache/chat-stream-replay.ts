/** A chat completion as cached (the fields the replay reads). */
interface ChatCompletion {
  id: string;
  created: number;
  model: string;
  system_fingerprint?: string | null;
  service_tier?: string | null;
  choices: {
    index: number;
    message: {
      role: string;
      content?: string | null;
      refusal?: string | null;
      tool_calls?: { id: string; type: string; function: { name: string; arguments: string } }[];
    };
    finish_reason: string | null;
  }[];
  usage?: unknown;
}

export interface ChatReplayOptions {
  /** The request asked for `stream_options.include_usage`: a final chunk with the usage. */
  includeUsage?: boolean | undefined;
  /** Characters of content per chunk. Default 48. */
  chunkChars?: number | undefined;
}

/**
 * Replays a cached chat completion as the SSE stream a streamed request would have received:
 * a role chunk, content (or refusal) in pieces, each tool call (name, then its arguments in
 * pieces), the finish reason, the usage chunk when asked, then `[DONE]`. Returns framed events,
 * for the relay to write with backpressure.
 * @example for (const event of replayChatStream(hit.body, { includeUsage: true })) write(event);
 */
export function replayChatStream(completion: Record<string, unknown>, options: ChatReplayOptions = {}): string[] {
  const c = completion as unknown as ChatCompletion;
  const size = options.chunkChars ?? 48;
  const head = {
    id: c.id,
    object: 'chat.completion.chunk',
    created: c.created,
    model: c.model,
    ...(c.service_tier !== undefined ? { service_tier: c.service_tier } : {}),
    ...(c.system_fingerprint !== undefined ? { system_fingerprint: c.system_fingerprint } : {}),
  };
  const usage = options.includeUsage ? { usage: null } : {};
  const events: string[] = [];
  const chunk = (index: number, delta: Record<string, unknown>, finish: string | null = null) =>
    events.push(data({ ...head, choices: [{ index, delta, logprobs: null, finish_reason: finish }], ...usage }));

  for (const choice of c.choices) {
    const m = choice.message;
    chunk(choice.index, { role: m.role, content: m.content == null ? null : '', refusal: null });
    for (const piece of pieces(m.content ?? '', size)) chunk(choice.index, { content: piece });
    for (const piece of pieces(m.refusal ?? '', size)) chunk(choice.index, { refusal: piece });
    (m.tool_calls ?? []).forEach((call, i) => {
      chunk(choice.index, { tool_calls: [{ index: i, id: call.id, type: call.type, function: { name: call.function.name, arguments: '' } }] });
      for (const piece of pieces(call.function.arguments, size)) chunk(choice.index, { tool_calls: [{ index: i, function: { arguments: piece } }] });
    });
    chunk(choice.index, {}, choice.finish_reason);
  }
  if (options.includeUsage) events.push(data({ ...head, choices: [], usage: c.usage ?? null }));
  events.push('data: [DONE]\n\n');
  return events;
}

function data(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

/** Splits text into pieces of at most `size` characters, never inside a surrogate pair. */
export function pieces(text: string, size: number): string[] {
  const chars = Array.from(text);
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}
