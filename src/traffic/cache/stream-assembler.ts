/** Which stream an assembler reads: chat completion chunks, or the Responses API's typed events. */
export type AssembledKind = 'chat' | 'responses';

interface ChoiceParts {
  index: number;
  role: string;
  content: string | null;
  refusal: string | null;
  toolCalls: { id: string; type: string; function: { name: string; arguments: string } }[];
  finishReason: string | null;
}

/**
 * Gathers a streamed answer, as it is relayed, back into the complete answer a non-streamed
 * request would have received, so it can be stored in the response cache. It is fed whole SSE
 * events (the relay writes only complete ones) and holds only the answer itself (its text, tool
 * calls and the few head fields), never the stream's bytes; past `maxBytes` of text it gives up.
 * `result()` is the answer only when the stream finished (`[DONE]`, or `response.completed`).
 * @example const a = new StreamAssembler('chat', 1 << 20); a.feed(chunk); … const body = a.result(usage);
 */
export class StreamAssembler {
  private head: Record<string, unknown> | undefined;
  private readonly choices = new Map<number, ChoiceParts>();
  private usage: unknown;
  private completed: Record<string, unknown> | undefined;
  private done = false;
  /** Characters of the stream read so far, and of the answer's text gathered. */
  private bytes = 0;
  private answerChars = 0;
  /** Set when the stream cannot be stored (too large, malformed, an error event). */
  failed = false;

  constructor(
    private readonly kind: AssembledKind,
    private readonly maxBytes: number,
  ) {}

  /** Reads the events in `chunk` (whole `data:` events, as the relay writes them). */
  feed(chunk: Buffer | string): void {
    if (this.failed) return;
    const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    this.bytes += text.length;
    // The stream's own framing is many times its text; a stream this large has an answer past the bound.
    if (this.bytes > this.maxBytes * 16) return this.fail();
    for (const line of text.split('\n')) {
      if (!line.startsWith('data:')) continue;
      let payload = line.slice(line[5] === ' ' ? 6 : 5);
      if (payload.endsWith('\r')) payload = payload.slice(0, -1);
      if (payload === '[DONE]') {
        this.done = true;
        continue;
      }
      if (this.kind === 'responses') {
        // Only the last event holds what is stored; the others are not parsed.
        if (!payload.includes('"response.completed"') && !payload.includes('"error"') && !payload.includes('"response.failed"')) continue;
      }
      let event: Record<string, unknown>;
      try {
        event = JSON.parse(payload) as Record<string, unknown>;
      } catch {
        return this.fail();
      }
      if (event.error || event.type === 'error' || event.type === 'response.failed') return this.fail();
      if (this.kind === 'responses') this.responsesEvent(event);
      else this.chatChunk(event);
      if (this.failed) return;
    }
  }

  /**
   * The complete answer, or undefined when the stream did not finish or cannot be stored. `usage`
   * is used when the stream carried none (the gateway dropped the usage chunk the client did not ask for).
   */
  result(usage?: unknown): Record<string, unknown> | undefined {
    if (this.failed) return undefined;
    if (this.kind === 'responses') return this.completed;
    if (!this.done || !this.head || this.choices.size === 0) return undefined;
    const choices = [...this.choices.values()]
      .sort((a, b) => a.index - b.index)
      .map((c) => ({
        index: c.index,
        message: {
          role: c.role,
          content: c.content,
          refusal: c.refusal,
          ...(c.toolCalls.length > 0 ? { tool_calls: c.toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: c.finishReason,
      }));
    return { ...this.head, object: 'chat.completion', choices, usage: this.usage ?? usage ?? null };
  }

  private fail(): void {
    this.failed = true;
    this.choices.clear();
    this.completed = undefined;
  }

  private responsesEvent(event: Record<string, unknown>): void {
    if (event.type !== 'response.completed') return;
    const response = event.response as Record<string, unknown> | undefined;
    if (!response || typeof response !== 'object' || JSON.stringify(response).length > this.maxBytes) return this.fail();
    this.completed = response;
  }

  private chatChunk(chunk: Record<string, unknown>): void {
    this.head ??= {
      id: chunk.id,
      created: chunk.created,
      model: chunk.model,
      ...(chunk.service_tier !== undefined ? { service_tier: chunk.service_tier } : {}),
      ...(chunk.system_fingerprint !== undefined ? { system_fingerprint: chunk.system_fingerprint } : {}),
    };
    if (chunk.usage && typeof chunk.usage === 'object') this.usage = chunk.usage;
    const list = chunk.choices;
    if (!Array.isArray(list)) return;
    for (const raw of list as { index?: unknown; delta?: Record<string, unknown>; finish_reason?: unknown }[]) {
      const index = typeof raw.index === 'number' ? raw.index : 0;
      let c = this.choices.get(index);
      if (!c) {
        c = { index, role: 'assistant', content: null, refusal: null, toolCalls: [], finishReason: null };
        this.choices.set(index, c);
      }
      const d = raw.delta ?? {};
      if (typeof d.role === 'string') c.role = d.role;
      if (typeof d.content === 'string') {
        c.content = (c.content ?? '') + d.content;
        this.answerChars += d.content.length;
        if (this.answerChars > this.maxBytes) return this.fail();
      }
      if (typeof d.refusal === 'string') c.refusal = (c.refusal ?? '') + d.refusal;
      if (Array.isArray(d.tool_calls)) {
        for (const t of d.tool_calls as { index?: number; id?: string; type?: string; function?: { name?: string; arguments?: string } }[]) {
          const at = t.index ?? 0;
          const call = (c.toolCalls[at] ??= { id: '', type: 'function', function: { name: '', arguments: '' } });
          if (t.id) call.id = t.id;
          if (t.type) call.type = t.type;
          if (t.function?.name) call.function.name += t.function.name;
          if (t.function?.arguments) call.function.arguments += t.function.arguments;
        }
      }
      if (typeof raw.finish_reason === 'string') c.finishReason = raw.finish_reason;
    }
  }
}
